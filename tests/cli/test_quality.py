"""``evidencewatch rank`` and ``evidencewatch eval`` from the command line."""

from __future__ import annotations

import json

from click.testing import CliRunner

from evidencewatch.cli.main import cli
from evidencewatch.cli.quality import format_report
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
    assert plain.exit_code == 1 and "no ranking model yet" in plain.output

    result = CliRunner().invoke(cli, ["--db", url, "rank", "--retrain"])
    assert result.exit_code == 0, result.output
    assert "3 positives (3 accepted, 0 seed papers)" in result.output
    assert "3 negatives (not_breast_cancer 3)" in result.output
    assert "rescored 2 undecided candidates with model 1" in result.output
    assert "raise the score:" in result.output and "lower the score:" in result.output

    again = CliRunner().invoke(cli, ["--db", url, "rank"])
    assert again.exit_code == 0 and "rescored 2 undecided candidates with model 1" in again.output


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
    assert "extraction precision (suggested / positives):" in lines
    assert lines[-len(data["targets"]) - 2] == "targets:"
    assert lines[-1] == f"({data['seconds']} s)"
