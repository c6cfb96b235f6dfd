"""The extractive chat reply: quotes, markers, sources, and a plain "no" when the report has no answer."""

from __future__ import annotations

from service.chat_reply import NOT_ANSWERED, reply_text
from service.schemas import AskResponse, CitationOut, Highlight, IndexInfo, PassageOut

INDEX = IndexInfo(version="v1", built_at="2025-01-01T00:00:00+00:00", model="hashing-64", model_kind="base")
CITATION = CitationOut(
    document="report",
    document_title="The report",
    section="B.4",
    title="Remittances",
    page=6,
    page_end=7,
    start=0,
    end=60,
)
TEXT = "Remittances are large. They reduce poverty in origin countries. Fees remain high."


def passage(rank: int, **extra: object) -> PassageOut:
    return PassageOut(id=f"p{rank}", rank=rank, score=0.5, text=TEXT, citation=CITATION, **extra)


def test_without_an_answer_sentence_the_top_passage_is_quoted_with_its_marker() -> None:
    response = AskResponse(question="q", passages=[passage(1), passage(2)], index=INDEX)
    assert reply_text(response) == (
        f"“{TEXT}” [1]\n\nSources:\n"
        '[1] Section B.4 "Remittances", pages 6-7 (report)\n'
        '[2] Section B.4 "Remittances", pages 6-7 (report)'
    )


def test_the_highlighted_sentence_is_quoted_rather_than_the_whole_passage() -> None:
    start = TEXT.index("They")
    top = passage(1, highlight=Highlight(start=start, end=TEXT.index(" Fees")))
    response = AskResponse(question="q", passages=[top], index=INDEX)
    assert reply_text(response).startswith("“They reduce poverty in origin countries.” [1]\n\nSources:")


def test_no_passage_means_the_report_does_not_answer() -> None:
    assert reply_text(AskResponse(question="q", passages=[], index=INDEX)) == NOT_ANSWERED


def test_an_unanswerable_verdict_is_said_plainly_with_its_reason() -> None:
    response = AskResponse(
        question="q", passages=[passage(1)], index=INDEX, answerable=False, reason="No passage mentions 2018."
    )
    assert reply_text(response) == (
        "The report does not appear to answer this. No passage mentions 2018.\n\n"
        'Closest passages:\n[1] Section B.4 "Remittances", pages 6-7 (report)'
    )


def test_the_verdict_over_several_documents_is_said_as_the_service_gives_it() -> None:
    response = AskResponse(
        question="q",
        passages=[passage(1)],
        index=INDEX,
        answerable=False,
        reason="Nothing in these documents matches.",
        verdict="These documents do not appear to answer this.",
    )
    assert reply_text(response).startswith("These documents do not appear to answer this. Nothing in these")
