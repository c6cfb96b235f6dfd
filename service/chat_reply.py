"""The extractive chat reply: the report's own words, numbered like the sources under them.

Chat front ends (the OpenAI-compatible endpoint) and tool-calling models (MCP) show
a single message, so the ``/ask`` payload is rendered here as text: the answer
sentence(s) quoted from the report with a marker [n], then the numbered sources.
Nothing is generated: every word of the quote is a span of a cited passage.  The
numbers are the passages' ranks, the same numbers ``context`` uses.

The quote is the response's ``answer``; ``answerable`` false (or no passage at
all) gives the response's plain verdict ("The report does not appear to answer this."),
with the reason.
"""

from __future__ import annotations

from pydantic import BaseModel

from index.citing import citation_label
from index.confidence import verdict
from service.schemas import AskResponse, CitationOut, PassageOut

NOT_ANSWERED = verdict()


class ChatCitation(BaseModel):
    """A numbered source of a chat reply: the passage id, its text, its citation and its link."""

    number: int
    passage_id: str
    text: str
    citation: CitationOut
    url: str | None = None
    """The citation's link to the passage in the reader view, at the top for a front end to show."""


def source_entry(number: int, citation: CitationOut) -> str:
    """``[1] Section B.4 "Remittances ...", page 6 (high-level-dialogue-2006)``; no page if it has none."""
    label = citation_label(
        citation.section, citation.title, citation.page, citation.page_end, citation.footnote
    )
    return f"[{number}] {label[0].upper()}{label[1:]} ({citation.document})"


def quotes_answer(response: AskResponse) -> bool:
    """Whether the reply quotes an answer: some passage matched and the report answers."""
    return bool(response.passages) and response.answerable


def quoted_span(passage: PassageOut) -> str:
    """The passage's highlighted sentence(s), or the whole passage when none is marked."""
    if passage.highlight is None:
        return passage.text.strip()
    return passage.text[passage.highlight.start : passage.highlight.end].strip()


def answer_quote(response: AskResponse) -> tuple[str, int]:
    """The quoted answer and the number of the passage it comes from."""
    if response.answer is not None:
        for passage in response.passages:
            if passage.id == response.answer.passage_id:
                return " ".join(response.answer.text.split()), passage.rank
    top = response.passages[0]
    return " ".join(quoted_span(top).split()), top.rank


def citations(response: AskResponse) -> list[ChatCitation]:
    return [
        ChatCitation(number=p.rank, passage_id=p.id, text=p.text, citation=p.citation, url=p.citation.url)
        for p in response.passages
    ]


def reply_text(response: AskResponse) -> str:
    """The message a chat user reads: quote with marker, then the numbered sources."""
    sources = "\n".join(source_entry(p.rank, p.citation) for p in response.passages)
    if not quotes_answer(response):
        said = response.verdict or NOT_ANSWERED
        lead = f"{said} {response.reason}" if response.reason else said
        # The closest passages are named (not quoted), so a reader can still look for themselves.
        return f"{lead}\n\nClosest passages:\n{sources}" if sources else lead
    quote, number = answer_quote(response)
    return f"“{quote}” [{number}]\n\nSources:\n{sources}"
