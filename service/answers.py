"""Turning a question into the response payload, in one place.

``POST /ask``, ``GET /ask`` and ``reportqa ask --json`` all go through
``answer``/``build_answer`` so the HTTP and CLI outputs cannot drift apart.
Everything here is pure apart from the retriever's search.
"""

from __future__ import annotations

from collections.abc import Sequence

from index.answering import AnswerResult, RankedPassage, ask
from index.errors import ReportQAError
from index.models import Passage, Section
from index.search import Retriever
from index.store import LoadedIndex
from ingest.embedder import Encoded
from service.schemas import (
    AnswerOut,
    AskResponse,
    CitationOut,
    Highlight,
    IndexInfo,
    PassageOut,
    PassageResponse,
    SectionOut,
    SectionsResponse,
)

SCORE_DIGITS = 4


class UnknownSection(ReportQAError):
    """A section filter that names no section of the loaded index."""


def index_info(index: LoadedIndex) -> IndexInfo:
    manifest = index.manifest
    return IndexInfo(version=manifest.version, built_at=manifest.built_at, model=manifest.model)


def citation_out(passage: Passage) -> CitationOut:
    return CitationOut.model_validate(passage.citation.model_dump())


def source_line(citation: CitationOut) -> str:
    """A citation as one line a person (or a model) can quote: document, section, title, pages."""
    pages = (
        f"page {citation.page}"
        if citation.page == citation.page_end
        else (f"pages {citation.page}-{citation.page_end}")
    )
    footnote = f", footnote {citation.footnote}" if citation.footnote is not None else ""
    return f'(Source: {citation.document}, section {citation.section} "{citation.title}", {pages}{footnote})'


def prompt_context(passages: Sequence[PassageOut]) -> str:
    """The passages numbered for a prompt, so a chatbot's own model can cite [1], [2] like we do."""
    return "\n\n".join(
        f"[{number}] {passage.text}\n{source_line(passage.citation)}"
        for number, passage in enumerate(passages, start=1)
    )


def answer_out(best: RankedPassage) -> AnswerOut:
    passage = best.hit.passage
    return AnswerOut(text=best.highlighted_text, passage_id=passage.id, citation=citation_out(passage))


def build_answer(result: AnswerResult, index: LoadedIndex) -> AskResponse:
    """The ``/ask`` payload for an answer; pure, so the routes, the CLI and MCP share it."""
    passages = [
        PassageOut(
            id=ranked.hit.passage.id,
            rank=rank,
            score=round(ranked.hit.score, SCORE_DIGITS),
            text=ranked.hit.passage.text,
            citation=citation_out(ranked.hit.passage),
            highlight=Highlight(start=ranked.highlight[0], end=ranked.highlight[1]),
        )
        for rank, ranked in enumerate(result.passages, start=1)
    ]
    best = result.answer
    return AskResponse(
        question=result.question,
        passages=passages,
        index=index_info(index),
        context=prompt_context(passages),
        answer=AnswerOut(
            text=best.highlighted_text,
            passage_id=best.hit.passage.id,
            citation=citation_out(best.hit.passage),
        )
        if best is not None
        else None,
        answerable=result.answerable,
        confidence=round(result.confidence, SCORE_DIGITS),
        reason=result.reason,
    )


def section_ids(index: LoadedIndex) -> list[str]:
    """Every value the section filter accepts, in document order: ids and their parts ("B" of "B.4")."""
    seen: dict[str, None] = {}
    own = [section.id for section in index.sections] + [p.citation.section for p in index.passages]
    for section_id in own:
        parts = section_id.split(".")
        for end in range(1, len(parts) + 1):
            seen.setdefault(".".join(parts[:end]), None)
    return list(seen)


def resolve_section(index: LoadedIndex, section: str | None) -> str | None:
    """The canonical spelling of a section filter ("b.4" -> "B.4"), or UnknownSection naming the valid ids."""
    if section is None:
        return None
    valid = section_ids(index)
    if section in valid:
        return section
    folded = {candidate.casefold(): candidate for candidate in valid}
    if section.casefold() in folded:
        return folded[section.casefold()]
    raise UnknownSection(
        f"unknown section {section!r}; use one of: {', '.join(valid)} (a part such as "
        f"{valid[0]!r} covers all its subsections)"
        if valid
        else f"unknown section {section!r}; the index has no sections"
    )


def answer(
    retriever: Retriever,
    question: str,
    *,
    top_k: int,
    section: str | None = None,
    query: Encoded | None = None,
) -> AskResponse:
    """Rank passages for an already validated question and build the payload.

    ``query`` is the question's encoding when the caller embedded it already (the
    service's micro-batcher); without it the retriever embeds the question.
    """
    scope = resolve_section(retriever.index, section)
    signals = (
        None
        if query is None
        else retriever.signals_for(question, query.vector, tokens=query.tokens, section=scope)
    )
    result = ask(retriever, question, top_k=top_k, section=scope, signals=signals)
    return build_answer(result, retriever.index)


def section_out(section: Section) -> SectionOut:
    return SectionOut(
        document=section.document,
        id=section.id,
        title=section.title,
        page=section.page,
        page_end=section.page_end,
    )


def table_of_contents(index: LoadedIndex) -> SectionsResponse:
    return SectionsResponse(sections=[section_out(s) for s in index.sections], index=index_info(index))


def passage_detail(index: LoadedIndex, passage_id: str) -> PassageResponse:
    """One passage by id; UnknownPassage (from the index) when there is none."""
    passage = index.passage(passage_id)
    return PassageResponse(
        id=passage.id, text=passage.text, citation=citation_out(passage), index=index_info(index)
    )
