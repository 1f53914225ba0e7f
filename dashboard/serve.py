"""``atlas serve``: the page (``dashboard/app.py``) served by Streamlit with its options set here, the
same from whatever folder it is started.

``streamlit run`` reads ``.streamlit/config.toml`` from the folder it starts in: started anywhere but
the repository root it listened on every interface, sent usage statistics and the browser fetched
``data.streamlit.io``. ``atlas serve`` passes every option as a ``--section.option=value`` flag (flags
outrank every config file and ``STREAMLIT_*`` variable) and starts Streamlit in the repository's
folder, so another folder's ``.streamlit/config.toml`` changes nothing either:

* on 127.0.0.1 only (``--address``: another loopback address; one that other machines can reach,
  such as ``0.0.0.0``, is refused unless the page asks who is there: ``--users FILE`` or an OpenID Connect
  provider, :mod:`dashboard.logins`);
* headless, no usage statistics, XSRF protection and CORS on, static serving (Leaflet and the
  basemap come from ``dashboard/static/``), uploads up to 5 MB (the reader's limit), no file watcher, tracebacks in the
  terminal only, no CSV button on tables: :data:`OPTIONS`, the same as ``.streamlit/config.toml``;
* on a loopback address, Streamlit's script health check on, and :mod:`dashboard.warmup` started beside
  the server: it has the page run once as soon as the server answers, while the first visitor's browser
  loads, so the imports, the sample articles of a new store and the page's caches are ready for them
  (the check runs the page for whoever asks: not offered to other machines).

Before it starts, the project's modules are compiled to bytecode (:func:`compile_modules`, only those
changed since), as pip compiles the packages it installs: the server and its warm-up import about a
hundred of them, and Python reads bytecode even where ``PYTHONDONTWRITEBYTECODE`` keeps it from writing
any (it is set on the machines we measure on: each start compiled every module again, 0.4 s of the
seeds' start).

Nothing here imports Streamlit: the process becomes ``python -m streamlit run`` (``os.execve``), so
Ctrl-C and SIGTERM reach Streamlit itself.
"""
from __future__ import annotations

import argparse
import compileall
import contextlib
import ipaddress
import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent  # the repository: Streamlit starts here
APP = PACKAGE / "app.py"
DEFAULT_ADDRESS = "127.0.0.1"
DEFAULT_PORT = 8501
WILDCARDS = ("", "0.0.0.0", "::", "[::]")  # every interface

# Every option of .streamlit/config.toml but the address and port (tests/test_app.py checks they agree),
# and those that config file leaves to Streamlit's defaults but safety needs.
OPTIONS: dict[str, str] = {
    "server.headless": "true",  # do not try to open a browser
    "server.enableStaticServing": "true",  # Leaflet, jQuery, plugins and the basemap from dashboard/static/
    "server.maxUploadSize": "5",  # MB: the reader's limit (MAX_ARTICLE_BYTES); the file picker says it, once
    "server.runOnSave": "false",
    "server.fileWatcherType": "none",  # no watcher threads
    "runner.postScriptGC": "false",  # no forced full collection after each run (0.18 s; see the config file)
    "server.enableXsrfProtection": "true",
    "server.enableCORS": "true",
    "server.baseUrlPath": "",  # the map loads its scripts from /app/static/
    "browser.gatherUsageStats": "false",  # no telemetry (and no request to data.streamlit.io)
    "client.showErrorDetails": "type",  # tracebacks stay in the terminal
    "client.toolbarMode": "viewer",
    "client.disableDataExport": "true",  # exports go through the page's own (formula-guarded) downloads
    "theme.base": "light",
    "global.developmentMode": "false",
}


def is_loopback(address: str) -> bool:
    """Whether ``address`` is reachable from this machine only (``127.0.0.0/8``, ``::1``, ``localhost``)."""
    text = address.strip().lower()
    if text == "localhost":
        return True
    try:
        return ipaddress.ip_address(text.strip("[]")).is_loopback
    except ValueError:
        return False


def url(address: str, port: int) -> str:
    host = address.strip("[]")
    if address in WILDCARDS:
        host = "127.0.0.1"
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """``atlas serve``'s options (dashboard/cli.py builds the command)."""
    p.add_argument("--port", type=port_number, default=DEFAULT_PORT, help=f"TCP port (default {DEFAULT_PORT})")
    p.add_argument("--address", default=DEFAULT_ADDRESS,
                   help=f"address to listen on (default {DEFAULT_ADDRESS}; one beyond loopback needs logins)")
    p.add_argument("--users", metavar="FILE",
                   help="the users file (atlas users add): the page asks for a name and password first "
                        "(default $ATLAS_USERS)")
    p.epilog = "The store is $ATLAS_HOME/atlas.sqlite. Options as .streamlit/config.toml, from any folder."


def port_number(text: str) -> int:
    """A TCP port, 1 to 65535 (for argparse)."""
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (1 to 65535)")
    return port


def streamlit_options(address: str = DEFAULT_ADDRESS, port: int = DEFAULT_PORT) -> dict[str, str]:
    """Every option ``atlas serve`` gives Streamlit."""
    options = {"server.address": address.strip("[]"), "server.port": str(port), **OPTIONS}
    if address not in WILDCARDS:
        options["browser.serverAddress"] = address.strip("[]")  # the URL Streamlit prints
    if is_loopback(address):
        options["server.scriptHealthCheckEnabled"] = "true"  # what dashboard.warmup asks for
    return options


def streamlit_command(address: str = DEFAULT_ADDRESS, port: int = DEFAULT_PORT,
                      python: str = sys.executable) -> list[str]:
    """``python -m streamlit run --server.address=... ... /path/to/dashboard/app.py``."""
    flags = [f"--{name}={value}" for name, value in streamlit_options(address, port).items()]
    return [python, "-m", "streamlit", "run", *flags, str(APP)]


def server_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for Streamlit, which starts in :data:`ROOT`: a relative ``$ATLAS_HOME`` or
    ``$ATLAS_CACHE`` made absolute (it meant the folder ``atlas serve`` was started in)."""
    env = dict(os.environ if environ is None else environ)
    for name in ("ATLAS_HOME", "ATLAS_CACHE"):
        if env.get(name):
            env[name] = str(Path(env[name]).expanduser().absolute())
    return env


def _exec(command: Sequence[str], env: Mapping[str, str], cwd: Path) -> None:
    """Become ``command`` (never returns)."""
    os.chdir(cwd)
    os.execve(command[0], list(command), dict(env))


def warm_up(base_url: str, env: Mapping[str, str], cwd: Path) -> None:
    """Start :mod:`dashboard.warmup` on ``base_url`` in the background; it ends by itself. It is started by a
    child that ends at once, so that it belongs to the init process: this process becomes Streamlit, which
    never waits for children, and a child of its own would stay a zombie for as long as the server runs."""
    def start() -> None:
        subprocess.Popen([sys.executable, "-m", "dashboard.warmup", base_url], cwd=cwd, env=dict(env),
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    if not hasattr(os, "fork"):
        start()
        return
    pid = os.fork()
    if pid == 0:  # the child: start the warm-up and end, whatever happens
        try:
            start()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


Runner = Callable[[Sequence[str], Mapping[str, str], Path], None]


def serve(address: str = DEFAULT_ADDRESS, port: int = DEFAULT_PORT, *, users: str | None = None,
          err: TextIO | None = None, run: Runner | None = None) -> int:
    """Start Streamlit on the page; returns only when it cannot (2: logins configured but unusable, or an
    address beyond loopback without logins)."""
    from .errors import AtlasError
    from .logins import configured, secret_files
    from .users import ENV

    err = err or sys.stderr
    env = server_environment()
    if users:
        env[ENV] = str(Path(users).expanduser().absolute())
    try:
        logins = configured(env, secret_files(ROOT))
    except AtlasError as exc:
        err.write(f"atlas serve: {exc}\n")
        return 2
    where = "every interface" if address in WILDCARDS else address
    if not is_loopback(address) and logins.mode is None:
        err.write(f"atlas serve: refusing to listen on {where}: other machines could reach the page, read the store "
                  "and change it, and it asks no one who they are. Give it a users file (atlas users add NAME "
                  "--role editor --users FILE, then atlas serve --users FILE ...) or an OpenID Connect provider "
                  "([auth] in .streamlit/secrets.toml); see the README's 'Serving a team'. Or use 127.0.0.1 (the "
                  "default).\n")
        return 2
    how = {"users": f"logins from {logins.users}", "oidc": "logins through the OpenID Connect provider",
           None: "no logins"}[logins.mode]
    reach = "this machine only" if is_loopback(address) else f"listening on {where}"
    err.write(f"atlas serve: {url(address, port)} ({reach}; {how}; Ctrl-C stops it)\n")
    err.flush()
    compile_modules()
    if is_loopback(address):
        warm_up(url(address, port), env, ROOT)
    (run or _exec)(streamlit_command(address, port), env, ROOT)
    return 0


def compile_modules(packages: Sequence[Path] = (PACKAGE, ROOT / "gazetteer")) -> None:
    """Write the bytecode of the packages' modules changed since it was last written (a read-only folder is
    left as it is: Python compiles them in memory then, as before)."""
    for package in packages:
        with contextlib.suppress(OSError):
            compileall.compile_dir(package, quiet=2)


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the map page with Streamlit's options set by dashboard/serve.py (the same from any folder)."""
    return serve(args.address, args.port, users=args.users)


def main(argv: Sequence[str] | None = None) -> int:
    """``atlas serve [--port N] [--address A] [--users FILE]``, parsed here (:mod:`dashboard.entry` calls it;
    dashboard/cli.py builds the same command from :func:`add_arguments` and :func:`cmd_serve`)."""
    parser = argparse.ArgumentParser(prog="atlas serve", description=cmd_serve.__doc__)
    add_arguments(parser)
    return cmd_serve(parser.parse_args(argv))
