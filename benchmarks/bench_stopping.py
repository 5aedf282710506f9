"""The progress panel's stopping rules, fast against the reference, in the same run.

For queues of 1,000, 20,000 and 100,000 candidates, a screening history like bench_web's
data (18 % of the queue decided, 10 of each 18 accepted, relevance falling down the ranked
queue) is timed through ``review.stopping`` (buscar's test, the estimate of relevant
candidates remaining with its interval, the SAFE-style run: what ``review.progress``
computes for the queue page) and through the reference implementation kept in
``tests/review/test_stopping_exact.py`` (the code as first written: one exact
hypergeometric call per sample size and per possible count). Both must give the same
figures; the script stops if they do not.

    .venv/bin/python benchmarks/bench_stopping.py [--sizes 1000,20000,100000] [--repeat 3]
        [--screened 0.18]

Prints the median (and max) seconds of each, the ratio, then one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import statistics
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from evidencewatch.review import stopping

REFERENCE = Path(__file__).resolve().parents[1] / "tests" / "review" / "test_stopping_exact.py"


def _reference() -> ModuleType:
    spec = importlib.util.spec_from_file_location("stopping_reference", REFERENCE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def history(total: int, screened: float, seed: int = 1) -> list[bool]:
    """A ranked queue's decisions so far: relevance falling from 90 % to 20 % (mean 55 %)."""
    n = int(total * screened)
    rng = np.random.default_rng(seed)
    return [bool(x) for x in rng.random(n) < np.linspace(0.9, 0.2, n)]


def figures(module: Any, screened: list[bool], total: int) -> tuple[Any, ...]:
    """What the queue page shows, computed by ``module`` (fast or reference)."""
    return (
        module.buscar_p_value(screened, total),
        module.estimate_remaining(screened, total),
        stopping.safe_heuristic(screened, total),
    )


def timed(module: Any, screened: list[bool], total: int, repeat: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = figures(module, screened, total)
        times.append(time.perf_counter() - start)
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,20000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--screened", type=float, default=0.18)
    args = parser.parse_args()
    reference = _reference()
    load = [round(x, 2) for x in os.getloadavg()]
    print(f"load average at start: {load}")
    rows = []
    for total in (int(s) for s in args.sizes.split(",")):
        screened = history(total, args.screened)
        fast_t, fast = timed(stopping, screened, total, args.repeat)
        ref_t, ref = timed(reference, screened, total, args.repeat)
        same = fast[0] == ref[0] and _same_estimate(fast[1], ref[1])
        if not same:
            raise SystemExit(f"different figures at {total}: {fast} against {ref}")
        row = {
            "candidates": total,
            "screened": len(screened),
            "found": sum(screened),
            "fast_median_s": statistics.median(fast_t),
            "fast_max_s": max(fast_t),
            "reference_median_s": statistics.median(ref_t),
            "reference_max_s": max(ref_t),
            "ratio": statistics.median(ref_t) / statistics.median(fast_t),
            "p_value": fast[0].p_value,
            "interval": [fast[1].low, fast[1].high],
        }
        rows.append(row)
        print(
            f"{total:>7} candidates, {len(screened):>6} screened: fast "
            f"{row['fast_median_s'] * 1000:9.1f} ms (max {row['fast_max_s'] * 1000:.1f}), "
            f"reference {row['reference_median_s'] * 1000:9.1f} ms "
            f"(max {row['reference_max_s'] * 1000:.1f}), {row['ratio']:.0f}x, same figures",
            flush=True,
        )
    end = [round(x, 2) for x in os.getloadavg()]
    print(f"load average at end: {end}")
    print(json.dumps({"repeat": args.repeat, "load_start": load, "load_end": end, "rows": rows}))


def _same_estimate(a: stopping.RemainingEstimate, b: stopping.RemainingEstimate) -> bool:
    nan = math.isnan(a.estimate) and math.isnan(b.estimate)
    return (nan or a.estimate == b.estimate) and (a.low, a.high, a.window) == (
        b.low,
        b.high,
        b.window,
    )


if __name__ == "__main__":
    main()
