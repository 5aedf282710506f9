"""Cohen's kappa between curators in dual review (review.agreement), against hand computation."""

from __future__ import annotations

import pytest

from evidencewatch.review import agreement, conflicts
from evidencewatch.review.agreement import cohen_kappa
from factories import make_candidate
from review.test_votes import cast

A, R = "accept", "reject"


def test_kappa_matches_the_hand_computed_value():
    # p_o = 7/10; A accepts 6/10, B 5/10: p_e = .6*.5 + .4*.5 = .5; kappa = (.7-.5)/.5 = .4
    labels = [(A, A)] * 4 + [(A, R)] * 2 + [(R, A)] + [(R, R)] * 3
    k = cohen_kappa(labels)
    assert k.kappa == pytest.approx(0.4) and k.n == 10 and k.observed == pytest.approx(0.7)
    assert k.warning is None


def test_kappa_is_one_for_perfect_agreement_and_minus_one_for_balanced_disagreement():
    assert cohen_kappa([(A, A)] * 6 + [(R, R)] * 4).kappa == pytest.approx(1.0)
    # p_o = 0, p_e = .5*.5 + .5*.5 = .5: (0 - .5) / .5 = -1
    assert cohen_kappa([(A, R)] * 5 + [(R, A)] * 5).kappa == pytest.approx(-1.0)


def test_kappa_is_undefined_when_everyone_chose_one_category():
    k = cohen_kappa([(R, R)] * 12)
    assert k.kappa is None and k.n == 12 and k.observed == 1.0
    assert "undefined" in k.warning and "reject" in k.warning


def test_kappa_over_fewer_than_ten_shared_decisions_carries_a_warning():
    # p_o = 2/3; A accepts 2/3, B 1/3: p_e = 2/9 + 2/9 = 4/9; (2/3 - 4/9) / (5/9) = 0.4
    k = cohen_kappa([(A, A), (A, R), (R, R)])
    assert k.kappa == pytest.approx(0.4) and "only 3 shared decisions" in k.warning
    empty = cohen_kappa([])
    assert (empty.kappa, empty.n) == (None, 0)


def test_agreement_per_pair_and_overall_from_the_votes(session):
    def both(a, da, b, db):
        cid = make_candidate(session, None, "ESR1").id
        cast(session, cid, a, da)
        cast(session, cid, b, db)
        return cid

    for _ in range(2):
        both("bob", A, "alice", A)  # alice is rater A of the pair whoever votes first
    both("alice", R, "bob", R)
    both("alice", A, "bob", R)
    both("carol", A, "alice", A)
    cast(session, make_candidate(session, None, "ERBB2").id, "alice", A)  # one vote: not shared
    result = agreement.agreement(session=session).as_json()
    pairs = {(p["a"], p["b"]): p for p in result["pairs"]}
    assert set(pairs) == {("alice", "bob"), ("alice", "carol")}
    # alice/bob: (A,A)x2, (R,R), (A,R): p_o=3/4; alice A 3/4, bob A 2/4; p_e=3/8+1/8=1/2 -> 0.5
    assert pairs[("alice", "bob")]["kappa"] == pytest.approx(0.5)
    assert pairs[("alice", "bob")]["n"] == 4 and "warning" in pairs[("alice", "bob")]
    assert pairs[("alice", "carol")]["kappa"] is None  # one category only
    # overall: (A,A)x3, (R,R), (A,R): p_o=4/5; A: 4/5, B: 3/5; p_e=12/25+2/25=14/25
    assert result["overall"]["n"] == 5
    assert result["overall"]["kappa"] == pytest.approx((4 / 5 - 14 / 25) / (1 - 14 / 25), abs=1e-4)


def test_resolving_a_conflict_does_not_change_the_recorded_agreement(session):
    cid = make_candidate(session, None, "ESR1").id
    cast(session, cid, "alice", A)
    cast(session, cid, "bob", R)
    before = agreement.agreement(session=session).as_json()
    conflicts.resolve(
        session=session,
        candidate_id=cid,
        actor="erin",
        role="editor",
        decision="accept",
        note="the second cohort is breast cancer",
    )
    assert agreement.agreement(session=session).as_json() == before
    assert before["overall"]["n"] == 1
