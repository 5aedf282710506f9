"""The sealed set's figures: computed, well-formed and recorded, never judged here.

``tests/eval/sealed`` was written from a one-page brief by someone who never saw
this code. Nobody tunes against it or reads its records, so this test asserts
only that ``evidencewatch eval --sealed`` computes every figure, keeps to the
report's shape and names no record. Whether the figures meet issue #10's
targets is reported (``targets``, docs/QUALITY.md), not asserted. The figures
are recorded as test properties (``--junitxml``) and printed (``pytest -s``).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from evidencewatch.evaluation.curator import CHECKPOINTS, CURATORS
from evidencewatch.evaluation.sets import SEALED_RECORDS, SEALED_SET, sealed_set_dirs
from evidencewatch.evaluation.targets import TARGETS
from evidencewatch.jobs.evaluate import sealed_evaluation_job

pytestmark = pytest.mark.skipif(
    not (SEALED_SET / SEALED_RECORDS).is_file(), reason=f"no sealed set at {SEALED_SET}"
)


def _is_share(value: Any) -> bool:
    return isinstance(value, int | float) and 0.0 <= value <= 1.0


SEALED_SETS = sealed_set_dirs()


@pytest.mark.parametrize("name", sorted(SEALED_SETS))
def test_each_sealed_set_computes_every_figure_and_names_no_record(
    watchlist, record_property, name
):
    data = sealed_evaluation_job(watchlist=watchlist, sealed_dir=SEALED_SETS[name]).as_json()

    figures = {key: t["value"] for key, t in data["targets"].items()}
    for key, value in figures.items():
        record_property(f"{name}.{key}", value)
    print(f"sealed set {name!r} figures:", json.dumps(figures, sort_keys=True))

    assert data["records"] > 0 and data["candidates"]["n"] > 0
    assert _is_share(data["candidates"]["matcher_recall"])
    assert set(data["targets"]) == set(TARGETS)
    for key, target in data["targets"].items():
        assert isinstance(target["met"], bool), key
        assert target["value"] is not None or "skipped" in target, key
    for view in ("queue", "labelled"):
        for order in ("learned", "model_only", "rule_based"):
            assert _is_share(data["ranking"][view][order]["tnr_95"]), (view, order)
    replay = data["replay"]
    assert replay["protocol"]["checkpoints"] == [
        k for k in CHECKPOINTS if k < replay["protocol"]["units"]
    ]
    for name in CURATORS:
        for point in replay["curators"][name]:
            assert _is_share(point["recall"])
            assert point["ap_remaining"] is None or _is_share(point["ap_remaining"])
    assert _is_share(data["rule_scores"]["distinct_share"])
    for field in data["extraction"].values():
        assert field["precision"] is None or _is_share(field["precision"])
        assert "withheld" in field["errors"]

    text = json.dumps(data)
    # The sets' fictional PMIDs run 97000001... (the first) and 96000001... (round 2).
    assert data["withheld"] and not re.search(r"\b9[67]\d{6}\b", text)
