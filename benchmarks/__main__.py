"""python -m benchmarks [NAME ...]: run the benchmarks (all, or those named), print a table,
write var/bench/<name>.json for each, and exit 1 if any target is missed."""

import importlib
import json
import os
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "var" / "bench"
COLUMNS = ["name", "value", "unit", "baseline", "ratio", "target", "met"]


def available() -> list[str]:
    package = Path(__file__).resolve().parent
    return sorted(m.name for m in pkgutil.iter_modules([str(package)]) if not m.name.startswith("_"))


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.0f}"
    return str(value)


def print_table(results) -> None:
    rows = [[r.name, r.value, r.unit, r.baseline_value, r.ratio, r.target, r.met] for r in results]
    cells = [COLUMNS] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]
    for n, row in enumerate(cells):
        print(" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if n == 0:
            print("-+-".join("-" * width for width in widths))


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("XDG_RUNTIME_DIR", str(ROOT / "var" / "run"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()

    names = argv or available()
    unknown = sorted(set(names) - set(available()))
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available())}",
            file=sys.stderr,
        )
        return 2
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    results = []
    for name in names:
        print(f"[bench] {name} ...", flush=True)
        result = importlib.import_module(f"benchmarks.{name}").run()
        if result.name != name:
            raise RuntimeError(f"benchmark module {name} returned a result named {result.name}")
        (OUT_DIR / f"{name}.json").write_text(json.dumps(result.as_json(), indent=2) + "\n")
        results.append(result)
    print()
    print_table(results)
    print(f"\nwritten to {OUT_DIR.relative_to(ROOT)}/")
    return 0 if all(r.met for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
