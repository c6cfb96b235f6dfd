"""Scopes: which passages a (document, section) pair covers, worked out once per index."""

from __future__ import annotations

from index.models import Citation, Manifest, Passage, Section, SourceInfo
from index.scopes import Scopes, documents_of, section_parts


def passage(document: str, section: str) -> Passage:
    citation = Citation(
        document=document, section=section, title="t", page=None, page_end=None, start=0, end=1
    )
    return Passage(id=f"{document}:{section}", text="x", citation=citation)


def section(document: str, section_id: str) -> Section:
    return Section(document=document, id=section_id, title="t", page=None, page_end=None, start=0, end=1)


MANIFEST = Manifest(
    version="v",
    model="hashing-64",
    dimension=64,
    passage_count=5,
    section_count=4,
    sources=[
        SourceInfo(document="licence", path="licence.txt", sha256="0", format="txt", title="GNU GPL"),
        SourceInfo(document="report", path="report.md", sha256="0", format="md", title=""),
    ],
    built_at="2025-01-01T00:00:00+00:00",
    tool_version="test",
)
PASSAGES = [
    passage("report", "1"),
    passage("report", "1.2"),
    passage("licence", "1"),
    passage("licence", "12"),
    passage("licence", "Article 3"),
]
SECTIONS = [
    section("report", "1"),
    section("report", "1.2"),
    section("licence", "1"),
    section("licence", "12"),
]
SCOPES = Scopes(MANIFEST, SECTIONS, PASSAGES)


def rows(**scope: str | None) -> list[int]:
    return [int(row) for row in SCOPES.mask(**scope).nonzero()[0]]


def test_section_parts_are_the_ids_above_it() -> None:
    assert section_parts("B.4.2") == ["B", "B.4", "B.4.2"]
    assert section_parts("Article 12") == ["Article 12"]


def test_documents_follow_the_manifest_and_an_empty_title_is_the_id() -> None:
    assert [(d.id, d.title, d.format) for d in documents_of(MANIFEST, SECTIONS, PASSAGES)] == [
        ("licence", "GNU GPL", "txt"),
        ("report", "report", "md"),
    ]


def test_a_document_without_a_source_is_still_named() -> None:
    bare = MANIFEST.model_copy(update={"sources": []})
    assert [d.id for d in documents_of(bare, SECTIONS, PASSAGES)] == ["report", "licence"]


def test_a_section_alone_is_that_section_in_every_document_with_its_subsections() -> None:
    assert rows(section="1") == [0, 1, 2]
    assert rows(section="12") == [3]  # "12" is not a subsection of "1"


def test_a_document_narrows_the_section_to_its_own() -> None:
    assert rows(document="licence") == [2, 3, 4]
    assert rows(document="licence", section="1") == [2]
    assert rows(document="report", section="1") == [0, 1]
    assert rows(document="report", section="12") == []
    assert rows() == [0, 1, 2, 3, 4]


def test_ids_are_found_in_any_case_within_their_document() -> None:
    assert SCOPES.find_document("LICENCE") == "licence"
    assert SCOPES.find_document("manual") is None
    assert SCOPES.find_section("article 3", "licence") == "Article 3"
    assert SCOPES.find_section("Article 3", "report") is None
    assert SCOPES.section_ids("report") == ["1", "1.2"]
    assert SCOPES.section_ids() == ["1", "12", "Article 3", "1.2"]  # the licence comes first
