"""The extractive chat reply: the report's own words, numbered like the sources under them.

Chat front ends (the OpenAI-compatible endpoint) and tool-calling models (MCP) show
a single message, so the ``/ask`` payload is rendered here as text: the answer
sentence(s) quoted from the report with a marker [n], then the numbered sources.
Nothing is generated: every word of the quote is a span of a cited passage.  The
numbers are the passages' ranks, the same numbers ``context`` uses.

The answer comes from the response's ``answer`` (and a passage's ``highlight``) when
the service provides them, else from the top passage; ``answerable`` false (or no
passage at all) gives a plain "the report does not answer this".
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from service.schemas import AskResponse, CitationOut, PassageOut

NOT_ANSWERED = "The report does not answer this question."


class ChatCitation(BaseModel):
    """A numbered source of a chat reply: the passage id, its text and its citation."""

    number: int
    passage_id: str
    text: str
    citation: CitationOut


def pages(citation: CitationOut) -> str:
    if citation.page == citation.page_end:
        return f"page {citation.page}"
    return f"pages {citation.page}-{citation.page_end}"


def source_entry(number: int, citation: CitationOut) -> str:
    """``[1] Section B.4 "Remittances ...", page 6 (high-level-dialogue-2006)``."""
    return (
        f'[{number}] Section {citation.section} "{citation.title}", {pages(citation)} ({citation.document})'
    )


def answerable(response: AskResponse) -> bool:
    """Whether the report answers: the service's verdict when it gives one, else "some passage matched"."""
    verdict: Any = getattr(response, "answerable", None)
    return bool(response.passages) and verdict is not False


def quoted_span(passage: PassageOut) -> str:
    """The passage's highlighted sentence(s) when the service marks them, else the whole passage."""
    highlight: Any = getattr(passage, "highlight", None)
    if isinstance(highlight, dict):
        start, end = highlight.get("start"), highlight.get("end")
    else:
        start, end = getattr(highlight, "start", None), getattr(highlight, "end", None)
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(passage.text):
        return passage.text[start:end].strip()
    return passage.text.strip()


def answer_quote(response: AskResponse) -> tuple[str, int]:
    """The quoted answer and the number of the passage it comes from."""
    found: Any = getattr(response, "answer", None)
    if found is not None:
        passage_id = getattr(found, "passage_id", None)
        text = getattr(found, "text", "")
        for passage in response.passages:
            if passage.id == passage_id and text:
                return " ".join(str(text).split()), passage.rank
    top = response.passages[0]
    return " ".join(quoted_span(top).split()), top.rank


def citations(response: AskResponse) -> list[ChatCitation]:
    return [
        ChatCitation(number=p.rank, passage_id=p.id, text=p.text, citation=p.citation)
        for p in response.passages
    ]


def reply_text(response: AskResponse) -> str:
    """The message a chat user reads: quote with marker, then the numbered sources."""
    if not answerable(response):
        reason: Any = getattr(response, "reason", None)
        return f"{NOT_ANSWERED} {reason}".strip() if reason else NOT_ANSWERED
    quote, number = answer_quote(response)
    sources = "\n".join(source_entry(p.rank, p.citation) for p in response.passages)
    return f"“{quote}” [{number}]\n\nSources:\n{sources}"
