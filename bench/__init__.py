"""Speed and memory benchmarks of News Atlas; run each from the repository root as a module,
e.g. ``python -m bench.app_speed`` (see the README, "Measured")."""
