"""Running a question set through a retriever and printing the scores (``reportqa eval``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from index.answering import ask
from index.evaluation import Outcome, Question, Report, Retrieved, raw_page_finder, score
from index.search import Retriever

TOP_K = 10
METRICS = (
    ("hit@1", "Hit@1"),
    ("hit@3", "Hit@3"),
    ("hit@5", "Hit@5"),
    ("mrr@10", "MRR@10"),
    ("chars@5", "chars@5"),
    ("auroc", "no-answer AUROC"),
    ("abstention_accuracy", "answerable right"),
    ("answer_accuracy", "answer sentence"),
    ("citation_accuracy", "citation"),
)


def page_finder(retriever: Retriever) -> Callable[[str], set[int]] | None:
    """Pages of a quote, counted in the plain-text sources the index was built from (None if none)."""
    finders = [
        raw_page_finder(Path(source.path).read_text(encoding="utf-8"))
        for source in retriever.index.manifest.sources
        if source.format == "txt" and Path(source.path).is_file()
    ]
    if not finders:
        return None
    return lambda quote: set().union(*(find(quote) for find in finders))


def outcome(retriever: Retriever, question: str) -> Outcome:
    result = ask(retriever, question, top_k=TOP_K)
    return Outcome(
        results=[
            Retrieved(
                text=r.hit.passage.text,
                section=r.hit.passage.citation.section,
                page=r.hit.passage.citation.page,
                page_end=r.hit.passage.citation.page_end,
                footnote=r.hit.passage.citation.footnote,
            )
            for r in result.passages
        ],
        confidence=result.confidence,
        answerable=result.answerable,
        answer_text=result.answer.highlighted_text if result.answer else None,
    )


def run_eval(retriever: Retriever, questions: Sequence[Question]) -> Report:
    """Score every question as the evaluation README says, top 10 passages each."""
    return score(questions, lambda q: outcome(retriever, q), evidence_pages=page_finder(retriever))


def _cell(value: float | None, key: str) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if key == "chars@5" else f"{value:.3f}"


def format_table(report: Report) -> str:
    """A Markdown table: one row per metric, overall then one column per kind of question."""
    kinds = list(report.by_kind)
    header = "| metric | all | " + " | ".join(kinds) + " |"
    rule = "|---|---:|" + "---:|" * len(kinds)
    rows = [
        f"| {label} | {_cell(report.overall[key], key)} | "
        + " | ".join(_cell(report.by_kind[kind][key], key) for kind in kinds)
        + " |"
        for key, label in METRICS
    ]
    count = (
        f"| questions | {report.overall['questions']:.0f} | "
        + " | ".join(f"{report.by_kind[k]['questions']:.0f}" for k in kinds)
        + " |"
    )
    return "\n".join([header, rule, count, *rows])


def report_json(report: Report) -> dict[str, object]:
    return {
        "overall": report.overall,
        "by_kind": report.by_kind,
        "questions": [
            {
                "id": s.question.id,
                "kind": s.question.kind,
                "first_hit": s.first_hit,
                "citation_ok": s.citation_ok,
                "confidence": round(s.confidence, 4),
                "answerable": s.answerable,
                "answer_ok": s.answer_ok,
            }
            for s in report.questions
        ],
    }
