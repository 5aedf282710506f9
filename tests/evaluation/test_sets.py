"""Loading a set: the labelled records, and a background that needs its hand labels."""

from __future__ import annotations

import pytest

from evidencewatch.evaluation import sets as ev


def test_background_is_skipped_with_the_reason_when_its_corpus_is_missing(tmp_path):
    missing = tmp_path / "no-such-corpus"
    background = ev.load_background_set(tmp_path, missing)
    assert background.skipped is not None and str(missing) in background.skipped
    assert ev.load_background_set(tmp_path, None).skipped is not None


def test_background_needs_its_hand_labels_or_is_not_used(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    background = ev.load_background_set(tmp_path, corpus)
    assert background.skipped is not None and "shared_labels.tsv" in background.skipped
    assert background.records == {}


def test_a_set_loads_its_records_and_labels_and_says_why_it_has_no_background(small_set, tmp_path):
    loaded = ev.load_set(small_set, tmp_path / "missing")

    assert len(loaded.records) == 60
    assert loaded.labels.positives
    assert {r.pmid for r in loaded.records} >= {p.pmid for p in loaded.labels.positives}
    assert loaded.background.skipped is not None and loaded.background_records == []
    assert loaded.all_labels.by_pair == loaded.labels.by_pair


def test_background_records_are_read_from_xml_files_and_the_labelled_set_wins(small_set):
    corpus = small_set / "corpus"
    corpus.mkdir()
    (corpus / "one.xml").write_bytes((small_set / "labelled.xml").read_bytes())
    (corpus / "notes.txt").write_text("not a PubMed file", encoding="utf-8")
    (small_set / "shared_labels.tsv").write_text(
        "pmid\tgene\tmentioned\tlabel\treject_reason\n", encoding="utf-8"
    )

    loaded = ev.load_set(small_set, corpus)

    assert loaded.background.skipped is None
    assert len(loaded.background.records) == 60
    assert loaded.background_records == []  # every background PMID is in the labelled set


def test_a_set_may_name_its_records_file_as_the_sealed_set_does(small_set, tmp_path):
    (small_set / "labelled.xml").rename(small_set / ev.SEALED_RECORDS)

    loaded = ev.load_set(small_set, None, ev.SEALED_RECORDS)

    assert len(loaded.records) == 60
    assert loaded.background.skipped == "no background: the set is measured on its own records"
    with pytest.raises(FileNotFoundError):
        ev.load_set(small_set, None)  # labelled.xml is gone


def test_the_sealed_set_lives_beside_the_open_set():
    assert ev.SEALED_SET == ev.DEFAULT_SET / "sealed"
