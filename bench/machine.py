"""How fast this machine's CPU is right now, to read every other figure by.

The machines these benchmarks run on are shared virtual machines whose speed moves from day to day and
hour to hour (by up to 2x), with the load average telling nothing of it. A fixed piece of pure-Python
work, timed before the figures, says how fast the machine was when they were taken: compare figures
only between runs whose reference times are close.

    .venv/bin/python -m bench.machine
"""
from __future__ import annotations

import time

QUIET_DAY = 0.5  # seconds for REFERENCE on a quiet day on the project's 2-core machines (Python 3.11)
# Ten million additions at a module's top level (global names, as the project's notes have timed it since
# its first benchmarks: ``python3 -c "...for i in range(10_000_000): s+=i"``).
REFERENCE = compile("s = 0\nfor i in range(10_000_000):\n    s += i\n", "<reference>", "exec")


def reference_seconds(rounds: int = 3) -> float:
    """Best of ``rounds`` timings of :data:`REFERENCE` (one core)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        exec(REFERENCE, {})
        best = min(best, time.perf_counter() - started)
    return best


def describe() -> str:
    """One line for a benchmark's output: the reference time and how it compares with a quiet day."""
    seconds = reference_seconds()
    return (f"machine: 10M-addition Python loop in {seconds:.2f} s "
            f"({seconds / QUIET_DAY:.1f}x a quiet day's {QUIET_DAY:.2f} s; figures scale with it)")


if __name__ == "__main__":
    print(describe())
