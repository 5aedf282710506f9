"""``evidencewatch rank`` and ``evidencewatch eval`` from the command line."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from evaluation.small_sets import write_small_set
from evidencewatch.cli.main import cli
from evidencewatch.cli.quality import format_report
from evidencewatch.evaluation import sets
from evidencewatch.evaluation.sets import SEALED_RECORDS
from evidencewatch.ranking import MIN_PER_CLASS
from factories import make_candidate, make_paper


def _no_config_env(monkeypatch):
    for name in ("EVIDENCEWATCH_CONFIG", "EVIDENCEWATCH_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


def _decide(session) -> None:
    """Three accepted, three rejected and two pending candidates, committed."""
    texts = [
        ("SRPK1 overexpression confers docetaxel resistance in breast cancer", "accepted"),
        ("LYN drives tamoxifen resistance in ER-positive breast cancer", "accepted"),
        ("ANXA1 mediates trastuzumab resistance in HER2-positive breast cancer", "accepted"),
        ("PCNA structure bound to DNA polymerase delta", "rejected"),
        ("LYN kinase restrains B-cell signalling in autoimmunity", "rejected"),
        ("ANXA1 peptide resolves colitis in mice", "rejected"),
        ("BARD1 loss and tamoxifen resistance in breast cancer", "pending"),
        ("BARD1 in yeast meiosis", "pending"),
    ]
    for title, status in texts:
        paper = make_paper(session, title=title, abstract=f"{title}.")
        reason = "not_breast_cancer" if status == "rejected" else None
        make_candidate(session, paper, title.split()[0], status=status, reject_reason=reason)
    session.commit()


def test_rank_command_retrains_reranks_and_prints_counts(db_url_engine, session, monkeypatch):
    _no_config_env(monkeypatch)
    _decide(session)
    url = db_url_engine[0]
    plain = CliRunner().invoke(cli, ["--db", url, "rank"])
    # Without a model, rank still brings the stored rule scores up to date.
    assert plain.exit_code == 0, plain.output
    assert "rescored 2 undecided candidates by the rule score" in plain.output
    assert "no ranking model yet" in plain.output

    result = CliRunner().invoke(cli, ["--db", url, "rank", "--retrain"])
    assert result.exit_code == 0, result.output
    assert "3 positives (3 accepted, 0 seed papers)" in result.output
    assert "3 negatives (not_breast_cancer 3)" in result.output
    assert "queue order: rule score: fewer than 5 accepted" in result.output
    assert "rescored 2 undecided candidates with model 1" in result.output
    assert "raise the score:" in result.output and "lower the score:" in result.output

    again = CliRunner().invoke(cli, ["--db", url, "rank"])
    assert again.exit_code == 0 and "rescored 2 undecided candidates with model 1" in again.output


def _decide_enough(session) -> None:
    """Six accepted, six rejected and two pending candidates: enough to check the model."""
    accepted = ["SRPK1", "LYN", "ANXA1", "NEIL1", "EME2", "PRLR"]
    rejected = ["PCNA", "RELA", "CHUK", "IKBKB", "FBP1", "PCCA"]
    for gene in accepted:
        paper = make_paper(
            session,
            title=f"{gene} drives tamoxifen resistance in breast cancer",
            abstract=f"{gene} knockdown restored tamoxifen sensitivity of resistant cells.",
        )
        make_candidate(session, paper, gene, status="accepted")
    for gene in rejected:
        paper = make_paper(
            session,
            title=f"{gene} structure in yeast",
            abstract=f"A {gene}-like protein organises yeast chromosomes.",
        )
        make_candidate(session, paper, gene, status="rejected", reject_reason="alias_collision")
    for gene in ("BARD1", "BRIP1"):
        make_candidate(session, make_paper(session, title=f"{gene} in breast cancer"), gene)
    session.commit()


def test_rank_retrain_reports_both_figures_the_order_in_use_and_why(
    db_url_engine, session, monkeypatch
):
    _no_config_env(monkeypatch)
    _decide_enough(session)
    url = db_url_engine[0]

    text = CliRunner().invoke(cli, ["--db", url, "rank", "--retrain"])
    as_json = CliRunner().invoke(cli, ["--db", url, "rank", "--json"])

    assert text.exit_code == 0, text.output
    assert "held-out average precision on 12 decisions: learned " in text.output
    assert ", rule score " in text.output and "queue order: " in text.output
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.stdout)
    order = data["order"]
    assert order["in_use"] in ("learned", "rule") and order["why"]
    assert order["held_out"] == 12
    assert 0 <= order["ap_learned"] <= 1 and 0 <= order["ap_rule"] <= 1
    below = order["below"]  # the learned order, checked below the decided ones too
    assert below["cuts"] >= 1 and 0 <= below["ap_learned"] <= 1
    assert f"below the decided ({below['cuts']} rule-order cuts): learned " in text.output
    assert f"queue order: {'rule score' if order['in_use'] == 'rule' else 'learned'}" in text.output
    assert data["model"]["id"] == 1 and data["rescored"] == 2  # the latest model, again
    assert set(data["top_features"]) == {"positive", "negative"}


def test_rank_json_without_a_model_says_the_rule_order_is_in_use(
    db_url_engine, session, monkeypatch
):
    _no_config_env(monkeypatch)
    _decide(session)

    result = CliRunner().invoke(cli, ["--db", db_url_engine[0], "rank", "--json"])

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["model"] is None and data["rescored"] == 2
    assert data["order"]["in_use"] == "rule" and "no ranking model yet" in data["order"]["why"]


def test_rank_command_explains_when_there_is_too_little_to_learn(
    db_url_engine, session, monkeypatch
):
    _no_config_env(monkeypatch)
    result = CliRunner().invoke(cli, ["--db", db_url_engine[0], "rank", "--retrain"])
    assert result.exit_code == 1
    assert "not enough decisions to train a ranking model" in result.output
    assert f"need at least {MIN_PER_CLASS} positives" in result.output


def test_eval_prints_the_report_as_json_and_as_text_lines(tmp_path, monkeypatch):
    _no_config_env(monkeypatch)
    missing = tmp_path / "no-background"
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            f"sqlite:///{tmp_path / 'unused.db'}",
            "eval",
            "--json",
            "--background",
            str(missing),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # the log goes to stderr
    assert set(data) >= {"candidates", "ranking", "extraction", "gene_mentions", "targets"}

    lines = format_report(data)

    assert lines[0].startswith(f"labelled set {data['set']}: {data['records']} records")
    assert lines[1] == f"background: skipped: {data['background']['skipped']}"
    assert any(line.startswith("ranking: ") for line in lines)
    assert f"pipeline view: skipped: {data['ranking']['pipeline']['skipped']}" in lines
    assert any(line.startswith("queue-only view: ") for line in lines)
    assert any(line.startswith("labelled-set view: ") for line in lines)
    assert any(line.startswith("replay: ") for line in lines)
    assert any(line.startswith("rule scores: ") for line in lines)
    assert "extraction precision (suggested / positives):" in lines
    assert lines[-len(data["targets"]) - 2] == "targets:"
    assert lines[-1] == f"({data['seconds']} s)"


def test_eval_sealed_takes_neither_another_set_nor_a_background(tmp_path, monkeypatch):
    _no_config_env(monkeypatch)
    db = f"sqlite:///{tmp_path / 'unused.db'}"
    for extra in (["--set", str(tmp_path)], ["--background", str(tmp_path)]):
        result = CliRunner().invoke(cli, ["--db", db, "eval", "--sealed", *extra])
        assert result.exit_code == 2
        assert "--sealed measures tests/eval/sealed alone" in result.output


def _sealed_set(folder, n_records):
    folder = write_small_set(folder, n_records=n_records)
    (folder / "labelled.xml").rename(folder / SEALED_RECORDS)
    return folder


def test_eval_sealed_prints_aggregate_figures_of_the_sealed_job(tmp_path, monkeypatch):
    _no_config_env(monkeypatch)
    monkeypatch.setattr(sets, "SEALED_SET", _sealed_set(tmp_path / "sealed", n_records=30))

    result = CliRunner().invoke(cli, ["--db", f"sqlite:///{tmp_path / 'u.db'}", "eval", "--sealed"])

    assert result.exit_code == 0, result.output
    assert "per-record results" in result.output and "aggregate only" in result.output
    assert "replay: a curator decides the top 10" in result.output
    assert not re.search(r"980000\d\d", result.output)


def test_eval_sealed_reports_the_root_set_and_each_sub_folder_set_apart(tmp_path, monkeypatch):
    _no_config_env(monkeypatch)
    root = _sealed_set(tmp_path / "sealed", n_records=30)
    _sealed_set(root / "round2", n_records=24)
    (root / "notes").mkdir()  # a folder without a set is not one
    monkeypatch.setattr(sets, "SEALED_SET", root)
    db = f"sqlite:///{tmp_path / 'u.db'}"

    text = CliRunner().invoke(cli, ["--db", db, "eval", "--sealed"])
    as_json = CliRunner().invoke(cli, ["--db", db, "eval", "--sealed", "--json"])

    assert text.exit_code == 0 and as_json.exit_code == 0, text.output + as_json.output
    headers = [line for line in text.output.splitlines() if line.startswith("== sealed set")]
    assert headers == [
        f"== sealed set 'sealed' ({root}) ==",
        f"== sealed set 'round2' ({root / 'round2'}) ==",
    ]
    data = json.loads(as_json.stdout)["sets"]
    assert list(data) == ["round2", "sealed"]  # sorted keys in the JSON
    assert data["sealed"]["records"] == 30 and data["round2"]["records"] == 24
    assert all(report["withheld"] for report in data.values())


def test_eval_sealed_without_any_set_names_the_folder_and_fails(tmp_path, monkeypatch):
    _no_config_env(monkeypatch)
    monkeypatch.setattr(sets, "SEALED_SET", tmp_path / "nothing-here")

    result = CliRunner().invoke(cli, ["--db", f"sqlite:///{tmp_path / 'u.db'}", "eval", "--sealed"])

    assert result.exit_code != 0
    assert f"{tmp_path / 'nothing-here'}: no sealed set there" in result.output
