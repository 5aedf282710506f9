"""The import prefilter never refuses a record the full matcher would match.

It may let through too much (the matcher decides), never too little. Checked over the
real records of the shared corpus, and over generated records carrying every surface
form of every watchlist gene, spelled every way the matcher accepts, in the title and
the abstract, inside and interrupted by inline markup, with character references.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.corpus import SHARED, requires_shared_corpus

from evidencewatch.ingest.imports import ImportFilter
from evidencewatch.matching.forms import SEP_EXPLICIT, SurfaceForm, _atoms
from evidencewatch.matching.prefilter import _FOLD_TO_ASCII, SEPARATORS, normalise
from evidencewatch.pubmed.raw import RawRecord, iter_raw, parse_raw
from evidencewatch.pubmed.records import PubmedRecord

FIXTURE = Path(__file__).parents[1] / "fixtures" / "import" / "baseline.xml"
TEMPLATE = re.search(rb"<PubmedArticle>.*?</PubmedArticle>", FIXTURE.read_bytes(), re.S).group(0)  # type: ignore[union-attr]
SEPS = [" ", "-", "/", "\u2010", "\u2011", "\u2013", "\n", "\xa0", "\u2009"]


def record_bytes(title: str, abstract: str, pmid: int | None = None) -> bytes:
    """The fixture's record with this title and abstract ("|" divides abstract sections)."""
    data = re.sub(
        rb"<ArticleTitle>.*?</ArticleTitle>",
        lambda _: b"<ArticleTitle>" + title.encode() + b"</ArticleTitle>",
        TEMPLATE,
        flags=re.S,
    )
    if pmid is not None:
        data = re.sub(rb"<PMID([^>]*)>\d+</PMID>", rb"<PMID\g<1>>%d</PMID>" % pmid, data, count=1)
    body = b"".join(
        b'<AbstractText Label="RESULTS">' + part.encode() + b"</AbstractText>"
        for part in abstract.split("|")
    )
    return re.sub(
        rb"<Abstract>.*?</Abstract>",
        lambda _: b"<Abstract>" + body + b"</Abstract>",
        data,
        flags=re.S,
    )


def parsed(data: bytes) -> PubmedRecord:
    items = parse_raw(RawRecord("PubmedArticle", data, 1, 1), "<test>")
    record = items[0]
    assert isinstance(record, PubmedRecord), items
    return record


@pytest.fixture(scope="module")
def keep(matcher) -> ImportFilter:
    return ImportFilter(set(), matcher.prefilter(), matcher)


def all_forms(matcher) -> list[SurfaceForm]:
    return list(matcher._analyser.forms)


def spellings(form: SurfaceForm, draw: st.DrawFn | None = None) -> str:
    """One spelling of ``form`` the matcher accepts; the plain one without ``draw``."""
    out = []
    for atom in _atoms(form.text, form.ci):
        if atom.kind == "lit":
            text = atom.text
            if draw and atom.ci:
                text = draw(st.sampled_from([text, text.upper(), text.capitalize()]))
            if draw and draw(st.booleans()) and len(text) > 1:
                cut = draw(st.integers(1, len(text) - 1))
                text = f"{_odd_letters(text[:cut], draw, atom.ci)}<i>{text[cut:]}</i>"
            elif draw:
                text = _odd_letters(text, draw, atom.ci)  # markup inside a word, or not
            out.append(text)
        elif atom.kind == "greek":
            alt = draw(st.sampled_from(atom.alts)) if draw else atom.alts[0]
            if draw and len(alt) == 1 and draw(st.booleans()):
                alt = draw(st.sampled_from([f"&#{ord(alt)};", f"&#x{ord(alt):x};"]))
            out.append(alt)
        else:
            choices = SEPS if atom.explicit else [s for s in SEPS if s != "/"]
            optional = not atom.required
            if draw:
                sep = draw(st.sampled_from(([""] if optional else []) + choices))
                sep = sep if sep != "\n" else "\n  "  # XML white space, squashed by the parser
                if len(sep) == 1 and draw(st.booleans()):
                    sep = f"&#{ord(sep)};"  # a separator written as a character reference
                out.append(
                    sep if not draw(st.booleans()) else f"<sup>{sep}</sup>" if sep.strip() else sep
                )
            else:
                out.append(" " if atom.required or atom.explicit else "")
    return "".join(out)


def _odd_letters(text: str, draw: st.DrawFn, ci: bool) -> str:
    """``text`` with an s, i or k written as a letter the regex also matches to it
    (in a case-insensitive word), as such or as a character reference."""
    if not ci:
        return text
    for plain, other in (("s", "\u017f"), ("i", "\u0131"), ("k", "\u212a")):
        if plain in text.lower() and draw(st.booleans()):
            at = text.lower().index(plain)
            other = draw(st.sampled_from([other, f"&#{ord(other)};"]))
            text = text[:at] + other + text[at + 1 :]
    return text


PLACES = {
    "title": lambda m: (f"A study of {m} in breast cancer", "No gene here."),
    "abstract": lambda m: ("A study in breast cancer", f"Resistance was linked to {m} in cells."),
    "italic": lambda m: ("Title", f"We found <i>{m}</i> amplified."),
    "sup": lambda m: (f"{m}<sup>+</sup> tumours", "Abstract."),
    "bold-start": lambda m: ("Title", f"<b>{m}</b>"),
    "mathml": lambda m: ("Title", f"<mml:math><mml:mi>{m}</mml:mi></mml:math> levels"),
    "amp-near": lambda m: ("Title", f"A &amp; B: {m}&lt;0.05"),
    # Where a hit's neighbours decide (the word-boundary check): text edges, section
    # edges, punctuation, references and markup right beside the mention.
    "title-start": lambda m: (f"{m}", "Abstract."),
    "title-end": lambda m: (f"Resistance to {m}", "Abstract."),
    "abstract-start": lambda m: ("Title", f"{m}"),
    "abstract-end": lambda m: ("Title", f"Linked to {m}"),
    "section-start": lambda m: ("Title", f"First part.|{m} starts"),
    "section-end": lambda m: ("Title", f"ends with {m}|Next part."),
}
# One mention between each pair of neighbours, one pair a record (so that no other
# place of the same mention can keep it).
NEIGHBOURS = [
    ("(", ")"), ("[", "],"), ("", ":"), ("", "."), ("", ";"), ("", "!"), ("'", "'"),
    ('"', '"'), ("\u2018", "\u2019"), ("\u201c", "\u201d"), ("&#40;", "&#41;"),
    ("&lt;", "&gt;"), ("&#x2013;", "&#8211;"), ("&quot;", "&quot;"), ("&apos;", "&amp;"),
    ("\u00a0", "\u2009"), ("\u3000", "\u202f"), ("<sup>1</sup> ", "<sub>+</sub>"),
    ("<b>x</b>/", ""), ("\u00b1", "\u00b0"), ("", "\u2122"), ("", "\u00ae"),
]  # fmt: skip
for _left, _right in NEIGHBOURS:
    PLACES[f"beside {_left}..{_right}"] = lambda m, left=_left, right=_right: (
        "Title",
        f"a {left}{m}{right} b",
    )


@pytest.mark.parametrize("place", sorted(PLACES))
def test_every_surface_form_in_every_place_is_kept(matcher, keep, place):
    missed = []
    for form in all_forms(matcher):
        title, abstract = PLACES[place](spellings(form))
        data = record_bytes(title, abstract)
        record = parsed(data)
        if matcher.could_match(record.text) and not keep.keeps_raw(
            RawRecord("PubmedArticle", data, 1, 1)
        ):
            missed.append(form.text)
    assert not missed


def test_the_plain_spellings_are_found_by_the_matcher_so_the_test_above_tests_something(matcher):
    found = sum(
        matcher.could_match(parsed(record_bytes(*PLACES["abstract"](spellings(f)))).text)
        for f in all_forms(matcher)
    )
    assert found >= 0.9 * len(all_forms(matcher))


@st.composite
def planted_record(draw: st.DrawFn, forms: list[SurfaceForm], pmid: int | None = None) -> bytes:
    form = draw(st.sampled_from(forms))
    mention = spellings(form, draw)
    place = draw(st.sampled_from(sorted(PLACES)))
    title, abstract = PLACES[place](mention)
    return record_bytes(title, abstract, pmid)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(data=st.data())
def test_generated_spellings_with_markup_and_references_are_never_refused(matcher, keep, data):
    raw = data.draw(planted_record(all_forms(matcher)))
    record = parsed(raw)
    assume(matcher.could_match(record.text))
    assert keep.keeps_raw(RawRecord("PubmedArticle", raw, 1, 1)), record.text


@st.composite
def record_batch(draw: st.DrawFn, forms: list[SurfaceForm]) -> list[bytes]:
    """A few records, some carrying a planted mention, each with its own PMID."""
    out = []
    for pmid in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            out.append(draw(planted_record(forms, pmid=90_000_000 + pmid)))
        else:
            words = draw(st.sampled_from(["Neutrophils in other 2 groups", "RELAted work"]))
            out.append(record_bytes("Sleep", words, pmid=90_000_000 + pmid))
    return out


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_records_tested_together_get_the_answers_they_get_alone(matcher, keep, data):
    raws = [
        RawRecord("PubmedArticle", b, 1, 1) for b in data.draw(record_batch(all_forms(matcher)))
    ]
    together = keep.keeps_raws(raws)
    assert together == [keep.keeps_raw(r) for r in raws]
    for raw, kept in zip(raws, together, strict=True):
        if matcher.could_match(parsed(raw.data).text):
            assert kept


def test_the_fold_covers_every_letter_the_regex_matches_to_an_ascii_letter():
    folded = {
        c
        for c in map(chr, range(128, 0x110000))
        for a in "abcdefghijklmnopqrstuvwxyz"
        if re.fullmatch(f"(?i:{a})", c)
    }
    assert folded == set(_FOLD_TO_ASCII)
    assert normalise("\u0130NTERLEUKIN \u017ftrand \u212aappa") == "interleukin strand kappa"
    assert normalise("&#304;NTERLEUKIN &#383;trand &#8490;appa") == "interleukin strand kappa"


def test_a_hit_inside_a_word_is_refused_and_one_beside_punctuation_kept(keep):
    def kept(title: str, abstract: str) -> bool:
        return keep.keeps_raw(RawRecord("PubmedArticle", record_bytes(title, abstract), 1, 1))

    assert not kept("Neutrophils and neuronal cells", "Polyneuropathy in the lymph node.")
    assert kept("The neu oncogene", "Abstract.")
    assert kept("Title", "(HER2)-positive")
    assert kept("Title", "<i>HER2</i>")


@pytest.mark.parametrize("empty", ["<ArticleTitle/>", "<ArticleTitle />"])
def test_a_record_with_an_empty_title_element_is_tested_on_its_abstract(matcher, keep, empty):
    def with_empty_title(abstract: str) -> RawRecord:
        data = re.sub(
            rb"<ArticleTitle>.*?</ArticleTitle>", empty.encode(), record_bytes("x", abstract)
        )
        assert parsed(data).title == ""
        return RawRecord("PubmedArticle", data, 1, 1)

    for form in all_forms(matcher):
        raw = with_empty_title(f"Linked to {spellings(form)}.")
        assert keep.keeps_raw(raw) or not matcher.could_match(parsed(raw.data).text), form.text
    assert not keep.keeps_raw(with_empty_title("Neutrophils in other 2 groups."))


def test_records_naming_no_gene_are_refused_without_parsing(matcher, keep):
    data = record_bytes("Sleep quality in nurses", "Neutrophils and other 2 groups were counted.")
    assert not matcher.could_match(parsed(data).text)
    assert not keep.keeps_raw(RawRecord("PubmedArticle", data, 1, 1))


def test_separators_are_every_white_space_the_regex_accepts():
    spaces = {chr(c) for c in range(0x110000) if re.fullmatch(r"\s", chr(c))}
    assert spaces <= set(SEPARATORS)
    assert all(re.fullmatch(SEP_EXPLICIT, c) for c in SEPARATORS)
    assert normalise("<i>ErbB</i>\u2010&#50;") == "erbb 2"


@requires_shared_corpus
def test_no_real_record_the_matcher_would_read_is_refused(matcher, keep):
    files = [
        p for p in sorted(SHARED.rglob("*.xml")) if b"<PubmedArticle>" in p.read_bytes()[:200_000]
    ]
    assert files, "no PubmedArticleSet files in the shared corpus"
    checked = kept = 0
    for path in files:
        raws = iter_raw(path, str(path))
        if raws is None:
            continue
        for raw in raws:
            if not isinstance(raw, RawRecord) or raw.tag != "PubmedArticle":
                continue
            records = [i for i in parse_raw(raw, str(path)) if isinstance(i, PubmedRecord)]
            if not records:
                continue
            checked += 1
            if matcher.could_match(records[0].text) or matcher.match(records[0]):
                kept += 1
                assert keep.keeps_raw(raw), (path.name, records[0].pmid)
    assert checked > 100
