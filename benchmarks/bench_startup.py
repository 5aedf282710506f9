"""CLI start-up against the floor of `python -c "import click"`, side by side in one run.

Each command is timed as a whole process (interpreter start, imports, the command,
exit), N times, the commands interleaved round by round so that a change in the
machine's load hits every command alike. The medians and their ratio to the click
floor are printed (`import` reads an empty PubmedArticleSet: its start-up alone);
issue 9's targets are `--help` <= 3x and `review list` <= 6x.

Usage:  python benchmarks/bench_startup.py [--runs 15] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGETS = {"evidencewatch --help": 3.0, "evidencewatch review list": 6.0}


EMPTY_SET = b'<?xml version="1.0" ?>\n<PubmedArticleSet></PubmedArticleSet>\n'


def commands(db_url: str, empty: Path) -> dict[str, list[str]]:
    ew = [sys.executable, "-m", "evidencewatch", "--db", db_url]
    return {
        "python -c 'import click'": [sys.executable, "-c", "import click"],
        "evidencewatch --help": [sys.executable, "-m", "evidencewatch", "--help"],
        "evidencewatch status": [*ew, "status"],
        "evidencewatch review list": [*ew, "review", "list"],
        "evidencewatch export": [*ew, "export", "-o", os.devnull],
        "evidencewatch import (empty file)": [*ew, "import", str(empty)],
    }


def wall(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVIDENCEWATCH_")}
    env["PYTHONPATH"] = str(REPO / "src")
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'ew.db'}"
        subprocess.run(
            [sys.executable, "-m", "evidencewatch", "--db", db_url, "init"],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        empty = Path(tmp) / "empty.xml"
        empty.write_bytes(EMPTY_SET)
        argvs = commands(db_url, empty)
        times: dict[str, list[float]] = {name: [] for name in argvs}
        for argv in argvs.values():
            wall(argv, env)  # warm the page cache and the bytecode
        for _ in range(args.runs):
            for name, argv in argvs.items():
                times[name].append(wall(argv, env))
    floor = statistics.median(times["python -c 'import click'"])
    results = {}
    print(f"median of {args.runs} whole-process runs, interleaved; load {os.getloadavg()[0]:.2f}")
    for name, values in times.items():
        median = statistics.median(values)
        ratio = median / floor
        target = TARGETS.get(name)
        verdict = (
            ""
            if target is None
            else f"  target <= {target:.0f}x: " + ("met" if ratio <= target else "MISSED")
        )
        print(f"{name:34} {median * 1000:7.0f} ms  {ratio:5.2f}x click{verdict}")
        results[name] = {"median_s": median, "ratio": ratio, "runs": values}
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
