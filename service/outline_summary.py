"""What the parser found in a document, before anything is indexed (``reportqa outline``).

For each document: its id, title and format, each section with its pages and passage
count, its footnotes, and warnings a person should look at before building an index:
no headings at all, headings without a label of their own (positional ids), sections
with no passage, an id used twice.  Pure: it reads a parsed document and its passages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from index.models import Passage
from ingest.document import ParsedDocument, SectionSpan


@dataclass(frozen=True)
class SectionSummary:
    id: str
    title: str
    page: int | None
    page_end: int | None
    passages: int


@dataclass(frozen=True)
class DocumentSummary:
    path: str
    document: str
    title: str
    format: str
    sections: list[SectionSummary]
    footnotes: int
    passages: int
    warnings: list[str]


def heading_of(doc: ParsedDocument, section: SectionSpan) -> str:
    """The heading as it stands in the canonical text; empty for front matter, which has none."""
    return doc.text[section.start : section.body_start].strip()


def warnings_of(doc: ParsedDocument, sections: Sequence[SectionSummary]) -> list[str]:
    headed = [(span, heading_of(doc, span)) for span in doc.sections]
    headed = [(span, heading) for span, heading in headed if heading]
    found: list[str] = []
    if not headed:
        count = len(doc.sections)
        found.append(f"no headings found; {count} section{'' if count == 1 else 's'}")
    unlabelled = [span.id for span in doc.sections if span.positional]
    if unlabelled:
        have = "section has" if len(unlabelled) == 1 else "sections have"
        found.append(f"{len(unlabelled)} {have} no label (positional ids): {', '.join(unlabelled)}")
    for section_id, times in Counter(s.id for s in sections).items():
        if times > 1:
            found.append(f"section id {section_id!r} is used {times} times")
    found.extend(f"section {s.id} has no passages" for s in sections if s.passages == 0)
    return found


def summarise(path: str, format: str, doc: ParsedDocument, passages: Sequence[Passage]) -> DocumentSummary:
    """The outline of one parsed document and the passages it would be indexed as."""
    body = Counter(p.citation.section for p in passages if p.citation.footnote is None)
    sections = [
        SectionSummary(
            id=span.id,
            title=span.title,
            page=doc.page_at(span.start),
            page_end=doc.page_at(max(span.start, span.end - 1)),
            passages=body[span.id],
        )
        for span in doc.sections
    ]
    return DocumentSummary(
        path=path,
        document=doc.document,
        title=doc.title,
        format=format,
        sections=sections,
        footnotes=len(doc.footnotes),
        passages=len(passages),
        warnings=warnings_of(doc, sections),
    )


def _pages(section: SectionSummary) -> str:
    if section.page is None:
        return ""
    if section.page_end is None or section.page_end == section.page:
        return f"  p. {section.page}"
    return f"  pp. {section.page}-{section.page_end}"


def outline_text(summary: DocumentSummary) -> str:
    """The outline for people: a header line, one line per section, footnotes, then warnings."""
    count = len(summary.sections)
    lines = [
        f"{summary.document}: {summary.title!r} ({summary.format}, {summary.path}): "
        f"{count} section{'' if count == 1 else 's'}, "
        f"{summary.passages} passage{'' if summary.passages == 1 else 's'}"
    ]
    width = max((len(s.id) for s in summary.sections), default=0)
    for s in summary.sections:
        plural = "" if s.passages == 1 else "s"
        lines.append(f"  {s.id:<{width}}  {s.title}{_pages(s)}  ({s.passages} passage{plural})")
    lines.append(f"  footnotes: {summary.footnotes}")
    lines.extend(f"  warning: {warning}" for warning in summary.warnings)
    return "\n".join(lines)


def outline_json(summaries: Sequence[DocumentSummary]) -> dict[str, object]:
    return {"documents": [asdict(summary) for summary in summaries]}
