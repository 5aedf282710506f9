"""A tiny bounded run of benchmarks/load/run_load.py: 2 web workers on PostgreSQL, a few
curators and a small login flood; no 5xx, every curator in without a refusal in the quiet
run, and every decision answered is in the database once with its audit event."""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not glob.glob("/usr/lib/postgresql/*/bin/initdb"), reason="no PostgreSQL server binaries"
    ),
]


def test_a_small_load_run_has_no_5xx_and_loses_no_decision(tmp_path):
    out = tmp_path / "load.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, str(ROOT / "benchmarks/load/run_load.py"), "--seconds", "6",
           "--flood-delay", "6", "--curators", "4", "--candidates", "600",
           "--flood-users", "3", "--json", str(out)]  # fmt: skip
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=170)
    assert out.exists(), done.stdout[-2000:] + done.stderr[-2000:]
    result = json.loads(out.read_text())
    for name in ("quiet", "flood"):
        run = result[name]
        assert run["errors_5xx"] == 0, run["statuses"]
        assert run["check"]["recorded"] > 0  # the curators did decide
        assert run["check"]["lost"] == run["check"]["duplicated"] == 0, run["check"]
        assert run["check"]["final_state_differs"] == 0, run["check"]
        assert run["routes"]["GET /queue?page=N"]["n"] > 0
        assert run["by_class"]["curators"]["5xx"] == run["by_class"]["flood"]["5xx"] == 0
    # Quiet: every curator got in, none was refused (429s would be counted apart, per class).
    signins = result["quiet"]["signins"]
    assert signins["signed_in"] == signins["curators"] == 4, signins
    assert signins["honest_refused"] == 0 and not result["quiet"]["by_class"]["curators"]["refused"]
    assert done.returncode in (0, 1)  # 1: only the flood's latency ratio, checked by hand
    missed = ("5xx", "decisions", "refused", "never got in")
    assert not [p for p in result["problems"] if any(m in p for m in missed)]
