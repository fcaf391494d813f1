"""Speed targets, measured (STYLE.md: targets live here, not in timed test asserts).

Each benchmark is a module `benchmarks/<name>.py` with a `run() -> Result`; `python -m benchmarks`
runs them all (`python -m benchmarks <name>` one), prints a table and writes
var/bench/<name>.json. `make bench [NAME=<name>]` does the same with the embedded servers.
"""

import os
from dataclasses import asdict, dataclass


def cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Result:
    """Exactly the fields of var/bench/<name>.json."""

    name: str
    value: float
    unit: str
    baseline_value: float | None
    ratio: float | None
    target: float
    met: bool
    cpus: int

    def as_json(self) -> dict:
        return asdict(self)
