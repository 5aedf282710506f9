"""The label files' rules: pairs, whole-paper rows, gold values and their synonyms."""

from __future__ import annotations

from datetime import date

import pytest

from evidencewatch.evaluation import labels as ev


def test_labels_file_rules(tmp_path):
    path = tmp_path / "labels.tsv"
    path.write_text(
        "pmid\tlabel\tgene\treject_reason\ttherapy_class\tdirection\teffect\talteration\t"
        "subtype\tmodel_system\n"
        "1\t1\tLYN\t\tendocrine\tup\tresistance\tprotein;mRNA\tER-positive\tcell lines;patients\n"
        "1\t0\tERBB2\tno_resistance_claim\t\t\t\t\t\t\n"
        "2\t0\t-\tnot_breast_cancer\t\t\t\t\t\t\n",
        encoding="utf-8",
    )
    labels = ev.load_labels(path)

    assert labels.label_of(1, "LYN") == (1, "")
    assert labels.label_of(1, "ERBB2") == (0, "no_resistance_claim")
    assert labels.label_of(2, "RELA") == (0, "not_breast_cancer")  # "-" covers every gene
    assert labels.label_of(1, "PCNA") == (0, "no_resistance_claim")  # unlisted gene: rejected
    gold = labels.by_pair[(1, "LYN")].gold
    assert gold["alteration"] == ("protein", "mRNA")
    assert ev.gold_matches("model_system", "patient_cohort", gold["model_system"])
    assert ev.gold_matches("subtype", "luminal B", gold["subtype"])
    assert not ev.gold_matches("subtype", "triple-negative", gold["subtype"])


def _labels(*rows: tuple[int, str, int]) -> ev.LabelSet:
    labels = ev.LabelSet()
    for pmid, gene, label in rows:
        labels.by_pair[(pmid, gene)] = ev.Label(pmid=pmid, gene=gene, label=label)
    return labels


def test_shared_labels_give_background_pairs_their_hand_label_and_override_nothing_else(
    tmp_path,
):
    path = tmp_path / "shared_labels.tsv"
    path.write_text(
        "pmid\tgene\tmentioned\tlabel\treject_reason\tjustification\n"
        "7\tERBB2\t1\t0\tnot_breast_cancer\tlung cancer\n"
        "8\tLYN\t1\t1\t\ton topic\n"
        "9\tCYP3A4\t0\t0\talias_collision\twheat\n",
        encoding="utf-8",
    )
    shared = ev.load_shared_labels(path)
    merged = _labels((1, "LYN", 1)).merged(shared)

    assert merged.label_of(7, "ERBB2") == (0, "not_breast_cancer")
    assert merged.label_of(8, "LYN") == (1, "")
    assert merged.label_of(9, "CYP3A4") == (0, "alias_collision")
    assert merged.label_of(1, "LYN") == (1, "")
    assert sorted((r.pmid, r.gene) for r in merged.positives) == [(1, "LYN"), (8, "LYN")]
    assert ev.load_mention_labels(path) == {(7, "ERBB2"), (8, "LYN")}


def test_entrez_dates_of_the_labels_file_give_each_record_its_time(tmp_path):
    path = tmp_path / "labels.tsv"
    path.write_text(
        "pmid\tlabel\tgene\treject_reason\tentrez_date\n"
        "1\t1\tLYN\t\t2024-03-05\n"
        "2\t0\t-\tduplicate\t2024-04-01\n"
        "3\t0\tRELA\tout_of_scope\t\n",
        encoding="utf-8",
    )
    labels = ev.load_labels(path)

    assert labels.entrez_dates == {1: date(2024, 3, 5), 2: date(2024, 4, 1)}
    merged = labels.merged(ev.LabelSet(entrez_dates={9: date(2020, 1, 1)}))
    assert merged.entrez_dates[9] == date(2020, 1, 1) and merged.entrez_dates[1] == date(2024, 3, 5)


def test_an_entrez_date_that_is_not_a_date_names_the_file_and_line(tmp_path):
    path = tmp_path / "labels.tsv"
    path.write_text(
        "pmid\tlabel\tgene\tentrez_date\n1\t1\tLYN\t2024-03-05\n2\t1\tLYN\t5 March\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"labels\.tsv:3: entrez_date '5 March'"):
        ev.load_labels(path)
