"""What an ingest did: a :class:`FileResult` for each file (added, already stored, read again, or failed and
why) and the :class:`IngestReport` of a run (counts, rate, what was left out)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .terminal import terminal_safe
from .wording import counted

ADDED, DUPLICATE, FAILED, REPARSED = "added", "duplicate", "failed", "reparsed"


@dataclass
class FileResult:
    """What happened to one file. ``reason`` is a short code when it failed (the reader's ``empty``,
    ``binary``, ``too-large``, ``encoding``, ``unreadable``, ``not-a-file``, or ``missing``, ``geoparse``,
    ``store``). :meth:`line` is safe to print: control characters in names and titles are escaped."""

    path: str
    status: str
    article_id: str | None = None
    title: str | None = None
    mentions: int = 0
    events: int = 0
    reason: str | None = None
    message: str | None = None
    warnings: tuple[str, ...] = ()

    def line(self) -> str:
        return terminal_safe(self._line())

    def _line(self) -> str:
        if self.status == FAILED:
            return f"failed     {self.path}: {self.reason}: {self.message}"
        what = f"{self.mentions} place mentions, {self.events} events" if self.status in (ADDED, REPARSED) \
            else "already stored"
        title = f" “{self.title}”" if self.title else ""
        warn = f" ({len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}: " \
               f"{'; '.join(self.warnings)})" if self.warnings else ""
        return f"{self.status:<10} {self.path}: {what}{title}{warn}"


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files in folders that are not articles by their suffix
    seconds: float = 0.0
    total: int = 0  # files to read (those that do not exist included)
    interrupted: bool = False  # stopped (Ctrl-C, SIGTERM) before every file was read
    hidden: int = 0  # hidden files and folders (names starting with ".") in folders, left out

    def _count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def added(self) -> int:
        return self._count(ADDED)

    @property
    def duplicates(self) -> int:
        return self._count(DUPLICATE)

    @property
    def failed(self) -> int:
        return self._count(FAILED)

    @property
    def reparsed(self) -> int:
        return self._count(REPARSED)

    def summary(self) -> str:
        parts = [f"{self.added} added", f"{self.duplicates} already stored", f"{self.failed} failed"]
        if self.reparsed:
            parts.insert(1, f"{self.reparsed} read again")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped (not .txt, .md or .html)")
        if self.hidden:
            parts.append(f"{self.hidden} hidden skipped (files and folders named .*)")
        head = f"interrupted after {len(self.results)} of {counted(self.total, 'file')}" if self.interrupted \
            else counted(len(self.results), "file")
        # (a rate only for a run long enough to have one: 1 file already stored in 0.1 ms is no 10,000/s)
        rate = f" ({self.rate:.1f} articles/s)" if self.seconds >= 1.0 else ""
        return f"{head}: " + ", ".join(parts) + f" in {self.seconds:.1f} s{rate}"

    @property
    def rate(self) -> float:
        """Files read per second (added, already stored or failed alike)."""
        return len(self.results) / self.seconds if self.seconds > 0 else 0.0
