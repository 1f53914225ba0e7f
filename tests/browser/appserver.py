"""Running the app for a browser: ``streamlit run dashboard/app.py`` on a free port with its own
``ATLAS_HOME``, finding Debian's Chromium, and reading the map's markers. Shared by the browser tests and
the page benchmarks (``bench/_browser.py``), which import it as ``tests.browser.appserver`` (run them
from the repository root: ``python -m bench.app_speed``)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"]
IDLE = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
# The ids of the place markers on a map window (clustered or not), read from its Leaflet layers' options
# (the tooltips show names, never ids).
MARKER_IDS_OF = """(w) => {
    const ids = new Set();
    const visit = (layer) => {
        if (layer.getLayers) { layer.getLayers().forEach(visit); return; }
        if (layer.options && layer.options.atlasId !== undefined) ids.add(layer.options.atlasId);
    };
    (w.feature_group || []).filter((g) => w.map && w.map.hasLayer(g)).forEach(visit);
    return [...ids];
}"""
# ... evaluated in the map's frame
MARKER_IDS = f"() => ({MARKER_IDS_OF})(window)"


def chromium_path() -> str | None:
    """Debian's Chromium (or ``$ATLAS_CHROMIUM``), or ``None`` when it is not installed."""
    for candidate in (os.environ.get("ATLAS_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class AppServer:
    url: str
    home: Path
    process: subprocess.Popen
    log: Path
    started: float  # time.perf_counter() when the process was started
    healthy_after: float = 0.0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def start_app(home: Path, *, timeout: float = 90.0, log_dir: Path | None = None) -> AppServer:
    """``streamlit run dashboard/app.py`` from the repository root on a free port; returns once
    ``/_stcore/health`` answers."""
    port = free_port()
    # Everything else (address, headless, static serving, no usage statistics) comes from
    # .streamlit/config.toml, which Streamlit reads from the folder it starts in: the root.
    cmd = [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port)]
    return start_server(cmd, port, home, (log_dir or home) / f"streamlit-{port}.log", env=_server_env(home),
                        timeout=timeout)


def _server_env(home: Path) -> dict[str, str]:
    return {**os.environ, "ATLAS_HOME": str(home), "PYTHONUNBUFFERED": "1"}


def serve_app(home: Path, *, timeout: float = 90.0, log_dir: Path | None = None) -> AppServer:
    """``atlas serve`` (what ``make run`` starts: Streamlit with the page's options, and the warm-up that runs
    the page once as soon as the server answers) on a free port; returns once ``/_stcore/health`` answers."""
    port = free_port()
    return start_server([*atlas_command(), "serve", "--port", str(port)], port, home,
                        (log_dir or home) / f"serve-{port}.log", env=_server_env(home), timeout=timeout)


def atlas_command() -> list[str]:
    """The ``atlas`` command of this environment (its script, else ``python -m dashboard.cli``)."""
    script = Path(sys.executable).parent / "atlas"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "dashboard.cli"]


def start_server(cmd: list[str], port: int, home: Path, log: Path, *, env: dict[str, str], cwd: Path = ROOT,
                 timeout: float = 90.0) -> AppServer:
    """Start ``cmd`` (a Streamlit server on ``port``, output to ``log``); returns once
    ``http://127.0.0.1:<port>/_stcore/health`` answers (:meth:`AppServer.stop` ends it)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with open(log, "wb") as out:
        process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = AppServer(f"http://127.0.0.1:{port}/", home, process, log, started)
    deadline = started + timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{server.url}_stcore/health", timeout=2) as response:
                if response.status == 200:
                    server.healthy_after = time.perf_counter() - started
                    return server
        except OSError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"the server did not answer within {timeout} s:\n{log.read_text(errors='replace')}")


def listening_addresses(port: int) -> set[str]:
    """The local addresses a TCP port is listening on (from /proc/net/tcp and tcp6)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                if width == 8:
                    found.add(".".join(str(b) for b in reversed(bytes.fromhex(address))))
                else:
                    found.add("ipv6:" + address)
    return found


def wait_idle_app(page, timeout: float = 60_000) -> None:
    """Until the app is connected and no script run is in progress."""
    page.wait_for_selector(IDLE, timeout=timeout)
