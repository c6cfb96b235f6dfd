"""The embedded report parses into its own sections, pages and footnotes, with clean text."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.evaluation import normalise, raw_page_finder
from ingest.passages import passages_of, sections_of
from ingest.plaintext import parse_plaintext

REPORT = Path(__file__).resolve().parents[2] / "corpus" / "high-level-dialogue-2006.txt"
EXPECTED_IDS = [
    *(f"A.{n}" for n in range(1, 6)),
    "B",
    *(f"B.{n}" for n in range(1, 18)),
    "C",
    "Annex",
]


@pytest.fixture(scope="module")
def raw() -> str:
    return REPORT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def doc(raw: str):
    return parse_plaintext(raw, document="high-level-dialogue-2006")


def test_sections_are_the_reports_own_outline(doc) -> None:
    assert [s.id for s in doc.sections] == EXPECTED_IDS


def test_titles_come_from_the_headings_including_a_wrapped_one(doc) -> None:
    titles = {s.id: s.title for s in doc.sections}
    assert (
        titles["A.4"]
        == "The Special Representative of the Secretary-General on International Migration and Development"
    )
    assert titles["B.3"] == "The root causes of international migration"  # heading line begins with a space
    assert titles["B.4"] == "Remittances as a tool of development"
    assert titles["Annex"].startswith("List of intergovernmental conferences")
    assert doc.title.startswith("THE HIGH-LEVEL DIALOGUE")


def test_running_text_that_starts_with_a_number_is_not_a_heading(doc) -> None:
    a2 = next(s for s in doc.sections if s.id == "A.2")
    assert "2005. It produced a report" in doc.text[a2.start : a2.end]


def test_the_report_has_twenty_pages_and_the_printed_numbers_agree(doc) -> None:
    assert doc.page_breaks[-1][1] <= 20
    assert max(page for _, page in doc.page_breaks) == 20
    labour = doc.text.index("Participants remarked that labour migration was crucial")
    assert doc.page_at(labour) == 9
    regional = doc.text.index("The proliferation of regional consultative processes")
    assert doc.page_at(regional) == 16


def test_page_numbers_are_not_left_in_the_text(doc) -> None:
    assert "\n\n9\n\n" not in doc.text and "\n\n16\n\n" not in doc.text


@pytest.mark.parametrize(
    ("clean", "artefact"),
    [
        ("co-development", "co- development"),
        ("evidence-based", "evidence- based"),
        ("Geneva Migration Group to create", "Group1"),
        ("relevant international instruments and urged", "instruments2"),
        ("that would offer Governments a venue", "would\n"),
        ("comprehensive and balanced system to manage migration", "balanced\n\nsystem"),
    ],
)
def test_extraction_artefacts_are_cleaned(doc, clean: str, artefact: str) -> None:
    assert clean in doc.text
    assert artefact not in doc.text


def test_footnotes_are_passages_of_the_section_that_cites_them(doc) -> None:
    notes = {n.number: n for n in doc.footnotes}
    assert (notes[1].section, notes[1].page) == ("A.3", 2)
    assert (notes[2].section, notes[2].page) == ("B.12", 12)
    assert doc.text[notes[2].start : notes[2].end].startswith("The Protocol to Prevent, Suppress and Punish")
    footnote_passages = [p for p in passages_of(doc) if p.citation.footnote]
    assert [(p.citation.section, p.citation.footnote) for p in footnote_passages] == [("A.3", 1), ("B.12", 2)]


def test_every_passage_is_an_exact_span_within_one_section(doc) -> None:
    sections = {s.id: s for s in doc.sections}
    passages = passages_of(doc)
    assert len(passages) > 80
    for passage in passages:
        c = passage.citation
        assert doc.text[c.start : c.end] == passage.text
        if c.footnote is None:
            section = sections[c.section]
            assert section.body_start <= c.start < c.end <= section.end
        assert passage.text.strip() == passage.text and passage.text


def test_no_passage_is_only_a_heading(doc) -> None:
    titles = {normalise(s.title) for s in doc.sections}
    assert not [p for p in passages_of(doc) if normalise(p.text) in titles]


def test_passages_are_about_a_paragraph(doc) -> None:
    lengths = [len(p.text) for p in passages_of(doc)]
    assert max(lengths) <= 1000
    assert 300 <= sum(lengths) / len(lengths) <= 800


def test_citation_pages_agree_with_the_page_counted_in_the_source(doc, raw: str) -> None:
    pages_of = raw_page_finder(raw)
    for passage in passages_of(doc):
        if passage.citation.footnote:
            continue
        first_sentence = passage.text.split(". ")[0][:80]
        found = pages_of(first_sentence)
        assert passage.citation.page in found or not found, (passage.citation, first_sentence)


def test_ids_are_stable_across_runs(raw: str) -> None:
    first = [p.id for p in passages_of(parse_plaintext(raw, document="r"))]
    second = [p.id for p in passages_of(parse_plaintext(raw, document="r"))]
    assert first == second and len(set(first)) == len(first)


def test_table_of_contents_has_pages(doc) -> None:
    toc = {s.id: (s.page, s.page_end) for s in sections_of(doc)}
    assert toc["A.1"] == (1, 1)
    assert toc["B.4"] == (5, 6)
    assert toc["Annex"] == (18, 20)
