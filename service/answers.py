"""Turning a question into the response payload, in one place.

``POST /ask``, ``GET /ask`` and ``reportqa ask --json`` all go through
``respond``/``response_of`` so the HTTP and CLI outputs cannot drift apart.
Everything here is pure apart from the retriever's search.
"""

from __future__ import annotations

from collections.abc import Sequence

from index.answering import AnswerResult, RankedPassage, answer
from index.citing import citation_label
from index.embedder import Encoded, model_kind
from index.errors import ReportQAError
from index.models import Passage, Section
from index.scopes import Scopes
from index.search import Retriever
from index.store import LoadedIndex
from service.links import Links
from service.schemas import (
    AnswerOut,
    AskResponse,
    CitationOut,
    DocumentOut,
    DocumentsResponse,
    DocumentSummary,
    Highlight,
    IndexInfo,
    PassageOut,
    PassageResponse,
    SectionOut,
    SectionsResponse,
)

SCORE_DIGITS = 4


class UnknownSection(ReportQAError):
    """A section filter that names no section of the loaded index (or of the document asked for)."""


class UnknownDocument(ReportQAError):
    """A document filter that names no document of the loaded index."""


def index_info(index: LoadedIndex) -> IndexInfo:
    manifest = index.manifest
    return IndexInfo(
        version=manifest.version,
        built_at=manifest.built_at,
        model=manifest.model,
        model_kind=model_kind(manifest.model),
    )


def citation_out(
    passage: Passage,
    scopes: Scopes,
    links: Links | None = None,
    highlight: tuple[int, int] | None = None,
) -> CitationOut:
    """The API's citation: the index's own, with the title of its document and, given ``links``,
    the passage's link in the reader view (marking ``highlight``) and, for a PDF, its page's.
    """
    citation = passage.citation
    document = citation.document
    url = source_url = None
    if links is not None:
        url = links.passage(document, passage.id, highlight)
        source_url = links.source_page(document, citation.page)
    return CitationOut(
        **citation.model_dump(), document_title=scopes.title_of(document), url=url, source_url=source_url
    )


def source_line(citation: CitationOut) -> str:
    """A citation as one line a person (or a model) can quote: document, section, title, pages.

    No page for a format without pages.
    """
    label = citation_label(
        citation.section, citation.title, citation.page, citation.page_end, citation.footnote
    )
    return f"(Source: {citation.document}, {label})"


def prompt_context(passages: Sequence[PassageOut]) -> str:
    """The passages numbered for a prompt, so a chatbot's own model can cite [1], [2] like we do."""
    return "\n\n".join(
        f"[{number}] {passage.text}\n{source_line(passage.citation)}"
        for number, passage in enumerate(passages, start=1)
    )


def answer_out(best: RankedPassage, scopes: Scopes, links: Links | None = None) -> AnswerOut:
    passage = best.hit.passage
    return AnswerOut(
        text=best.highlighted_text,
        passage_id=passage.id,
        citation=citation_out(passage, scopes, links, best.highlight),
    )


def response_of(result: AnswerResult, retriever: Retriever, links: Links | None = None) -> AskResponse:
    """The ``/ask`` payload for an answer; pure, so the routes, the CLI and MCP share it.

    With ``links``, every citation links to its passage in the reader view, its highlight marked.
    """
    scopes = retriever.derived.scopes
    passages = [
        PassageOut(
            id=ranked.hit.passage.id,
            rank=rank,
            score=round(ranked.hit.score, SCORE_DIGITS),
            text=ranked.hit.passage.text,
            citation=citation_out(ranked.hit.passage, scopes, links, ranked.highlight),
            highlight=Highlight(start=ranked.highlight[0], end=ranked.highlight[1]),
        )
        for rank, ranked in enumerate(result.passages, start=1)
    ]
    best = result.answer
    return AskResponse(
        question=result.question,
        passages=passages,
        index=index_info(retriever.index),
        context=prompt_context(passages),
        answer=answer_out(best, scopes, links) if best is not None else None,
        answerable=result.answerable,
        confidence=round(result.confidence, SCORE_DIGITS),
        reason=result.reason,
        verdict=result.verdict,
    )


def resolve_scope(
    scopes: Scopes, *, document: str | None, section: str | None
) -> tuple[str | None, str | None]:
    """The canonical spelling of a scope ("Licence", "b.4" -> "licence", "B.4").

    UnknownDocument names the documents; UnknownSection names the sections the scope
    accepts: the document's own, or every document's without one.
    """
    found = None
    if document is not None:
        found = scopes.find_document(document)
        if found is None:
            known = ", ".join(scopes.documents)
            raise UnknownDocument(
                f"unknown document {document!r}; use one of: {known}"
                if known
                else f"unknown document {document!r}; the index has no documents"
            )
    if section is None:
        return found, None
    canonical = scopes.find_section(section, found)
    if canonical is not None:
        return found, canonical
    valid = scopes.section_ids(found)
    where = "" if found is None else f" in document {found!r}"
    raise UnknownSection(
        f"unknown section {section!r}{where}; use one of: {', '.join(valid)} (a part such as "
        f"{valid[0]!r} covers all its subsections)"
        if valid
        else f"unknown section {section!r}{where}; the index has no sections"
    )


def respond(
    retriever: Retriever,
    question: str,
    *,
    top_k: int,
    section: str | None = None,
    document: str | None = None,
    query: Encoded | None = None,
    links: Links | None = None,
) -> AskResponse:
    """Rank passages for an already validated question and build the payload.

    ``document`` keeps one document's passages and ``section`` then applies within it;
    without ``document``, ``section`` matches that id in any document.  ``query`` is the
    question's encoding when the caller embedded it already (the service's
    micro-batcher); without it the retriever embeds the question.  ``links`` adds each
    citation's ``url`` (and ``source_url`` for a PDF).
    """
    document, section = resolve_scope(retriever.derived.scopes, document=document, section=section)
    signals = (
        None
        if query is None
        else retriever.signals_for(
            question, query.vector, tokens=query.tokens, section=section, document=document
        )
    )
    result = answer(retriever, question, top_k=top_k, section=section, document=document, signals=signals)
    return response_of(result, retriever, links)


def section_out(section: Section) -> SectionOut:
    return SectionOut(
        document=section.document,
        id=section.id,
        title=section.title,
        page=section.page,
        page_end=section.page_end,
    )


def table_of_contents(retriever: Retriever) -> SectionsResponse:
    """Every section in one list, and the same grouped by document (in index order) with its title."""
    index = retriever.index
    sections = [section_out(s) for s in index.sections]
    grouped: dict[str, list[SectionOut]] = {document: [] for document in retriever.derived.scopes.documents}
    for section in sections:
        grouped.setdefault(section.document, []).append(section)
    documents = [
        DocumentOut(id=info.id, title=info.title, format=info.format, sections=grouped[info.id])
        for info in retriever.derived.scopes.documents.values()
    ]
    return SectionsResponse(sections=sections, documents=documents, index=index_info(index))


def passage_detail(retriever: Retriever, passage_id: str, links: Links | None = None) -> PassageResponse:
    """One passage by id; UnknownPassage (from the index) when there is none."""
    index = retriever.index
    passage = index.passage(passage_id)
    return PassageResponse(
        id=passage.id,
        text=passage.text,
        citation=citation_out(passage, retriever.derived.scopes, links),
        index=index_info(index),
    )


def document_list(retriever: Retriever, links: Links) -> DocumentsResponse:
    """Every indexed document with its title, format, section count and links, in index order."""
    index = retriever.index
    counts: dict[str, int] = {}
    for section in index.sections:
        counts[section.document] = counts.get(section.document, 0) + 1
    documents = [
        DocumentSummary(
            id=info.id,
            title=info.title,
            format=info.format,
            section_count=counts.get(info.id, 0),
            url=links.document(info.id),
            source_url=links.source(info.id),
        )
        for info in retriever.derived.scopes.documents.values()
    ]
    return DocumentsResponse(documents=documents, index=index_info(index))
