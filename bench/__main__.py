"""Run every benchmark, or the ones named: ``python -m bench [NAME...]``.

Each benchmark module offers ``run() -> str``, which measures and returns a
Markdown section; the sections are printed and written to bench/results/.
"""

from __future__ import annotations

import importlib
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

BENCHMARKS: list[str] = ["camera", "printing", "verify_log", "desk", "roster"]
"""Module names under bench/, in the order they run."""

RESULTS = Path(__file__).with_name("results")


def main(names: list[str]) -> int:
    chosen = names or BENCHMARKS
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark {unknown[0]!r}; known: {', '.join(BENCHMARKS)}")
        return 2
    RESULTS.mkdir(exist_ok=True)
    header = (
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({platform.machine()}, Python {platform.python_version()})\n"
    )
    for name in chosen:
        section = importlib.import_module(f"bench.{name}").run()
        print(section)
        (RESULTS / f"{name}.md").write_text(header + "\n" + section + "\n")
    return 0


raise SystemExit(main(sys.argv[1:]))
