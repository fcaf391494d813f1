"""The two measured processes of the ocds_bulk benchmark, each alone in its process so that its peak
resident memory (ru_maxrss) is its own:

    python -m benchmarks._ocds_child write YYYY-MM-DD   the bulk files of that day (disclosure.ocds.bulk)
    python -m benchmarks._ocds_child ocdskit FILE SCHEMA  `ocdskit compile --schema SCHEMA` < FILE

Each prints one JSON line: seconds, peak RSS in MB and what it produced.
"""

import datetime
import io
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _peak_mb() -> float:
    """Peak resident memory of this process since its exec (VmHWM). Not ru_maxrss: on Linux a child
    reports the maximum of the parent it was forked from too, the benchmark's own."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write(day_text: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from disclosure.ocds import bulk

    day = datetime.date.fromisoformat(day_text)
    rss_before = _peak_mb()
    started = time.perf_counter()
    entry = bulk.write_day(day)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_mb": _peak_mb(), "peak_mb_before": rss_before, **entry}


class _CountingSink(io.TextIOBase):
    def __init__(self):
        self.chars = 0
        self.lines = 0

    def write(self, text: str) -> int:
        self.chars += len(text)
        self.lines += text.count("\n")
        return len(text)


def ocdskit(path: str, schema: str) -> dict:
    from ocdskit.__main__ import main

    sink = _CountingSink()
    started = time.perf_counter()
    with open(path, "rb") as handle:
        sys.stdin = io.TextIOWrapper(handle, encoding="utf-8")
        real_stdout, sys.stdout = sys.stdout, sink
        sys.argv = ["ocdskit", "compile", "--schema", schema]
        try:
            main()
        finally:
            sys.stdout = real_stdout
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_mb": _peak_mb(), "compiled": sink.lines, "chars": sink.chars}


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    result = write(*args) if mode == "write" else ocdskit(*args)
    print(json.dumps(result, default=str))
