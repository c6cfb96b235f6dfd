"""From a parsed document to passages with citations and content-addressed ids."""

from __future__ import annotations

import hashlib
import re

from index.models import Citation, Passage, Section
from ingest.chunking import DEFAULT_CHUNK_SIZE, chunk_section, floor_for, paragraph_spans
from ingest.document import ParsedDocument


def normalise(text: str) -> str:
    """Case- and whitespace-insensitive form of a text, for ids that survive re-wrapping."""
    return re.sub(r"\s+", " ", text).strip().lower()


def passage_id(document: str, section: str, text: str, occurrence: int = 0) -> str:
    """Content-addressed id: the same text in the same place keeps its id across rebuilds."""
    key = f"{document}\x1f{section}\x1f{normalise(text)}\x1f{occurrence}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def passages_of(doc: ParsedDocument, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> list[Passage]:
    """Every passage of a document: section bodies in reading order, then footnotes."""
    out: list[Passage] = []
    seen: dict[str, int] = {}

    def add(section: str, title: str, start: int, end: int, footnote: int | None = None) -> None:
        text = doc.text[start:end]
        base = passage_id(doc.document, section, text)
        occurrence = seen.get(base, 0)
        seen[base] = occurrence + 1
        citation = Citation(
            document=doc.document,
            section=section,
            title=title,
            page=doc.page_at(start),
            page_end=doc.page_at(end - 1),
            start=start,
            end=end,
            footnote=footnote,
        )
        ident = base if occurrence == 0 else passage_id(doc.document, section, text, occurrence)
        out.append(Passage(id=ident, text=text, citation=citation))

    floor = floor_for(
        [p.end - p.start for s in doc.sections for p in paragraph_spans(doc.text, s.body_start, s.end)]
    )
    for section in doc.sections:
        for span in chunk_section(
            doc.text, section.body_start, section.end, chunk_size=chunk_size, min_size=floor
        ):
            add(section.id, section.title, span.start, span.end)
    titles = {s.id: s.title for s in doc.sections}
    for note in doc.footnotes:
        add(note.section, titles.get(note.section, note.section), note.start, note.end, note.number)
    return out


def sections_of(doc: ParsedDocument) -> list[Section]:
    """The table of contents of a document, with each section's pages."""
    return [
        Section(
            document=doc.document,
            id=s.id,
            title=s.title,
            page=doc.page_at(s.start),
            page_end=doc.page_at(s.end - 1),
            start=s.start,
            end=s.end,
        )
        for s in doc.sections
    ]
