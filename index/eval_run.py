"""Running a question set through a retriever and printing the scores (``reportqa eval``).

The pages a citation should name are found in the source files the index was built
from, read here independently of the parsers: a plain-text file's page breaks, a
PDF's pages as pypdf extracts them (numbered by the PDF's page labels where they are
numbers, else by position).  Markdown, HTML and plain text without page breaks have
no pages, so their citations must give none.  ``--peers`` runs the peers' recipes
(``index/peers.py``) over the same documents and scores them the same way.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from index.answering import answer
from index.embedder import Embedder
from index.errors import ReportQAError
from index.evaluation import (
    Outcome,
    PageFinder,
    Question,
    Report,
    Retrieved,
    pages_finder,
    raw_page_count,
    raw_page_finder,
    score,
)
from index.models import SourceInfo
from index.peers import Paragraph, Peer, build_peers, paragraphs
from index.search import Retriever
from index.store import LoadedIndex

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


PAGELESS_FORMATS = frozenset({"md", "markdown", "html", "htm"})


def pdf_pages(data: bytes) -> list[tuple[int, str]]:
    """A PDF's pages as pypdf extracts them, each with its number: its label if that is a number."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        labels = list(reader.page_labels)
        numbers = [int(label) for label in labels if label.isdigit()]
        use_labels = len(numbers) == len(reader.pages)
        return [
            (numbers[i] if use_labels else i + 1, page.extract_text() or "")
            for i, page in enumerate(reader.pages)
        ]
    except PyPdfError as exc:
        raise ValueError(f"cannot read the PDF: {exc}") from exc


def source_pages(source: SourceInfo, path: Path | None = None) -> tuple[bool, PageFinder | None]:
    """Whether a source's pages are known, and its page finder (None: it has no pages).

    Read from ``path`` (the original the index keeps), else from the source's own path.
    ``(False, None)`` when the file is gone or unreadable: then only sections are checked.
    """
    if source.format in PAGELESS_FORMATS:
        return True, None
    path = path or Path(source.path)
    try:
        if source.format == "pdf":
            return True, pages_finder(pdf_pages(path.read_bytes()))
        if source.format == "txt":
            raw = path.read_text(encoding="utf-8-sig")
            return True, raw_page_finder(raw) if raw_page_count(raw) > 1 else None
    except (OSError, ValueError):  # a file we cannot read again only loses the page check
        return False, None
    return False, None


def document_pages(index: LoadedIndex) -> dict[str, PageFinder | None]:
    """Each indexed document's page finder (None for a source without pages), where it is known."""
    found: dict[str, PageFinder | None] = {}
    for source in index.manifest.sources:
        known, finder = source_pages(source, _kept_original(index, source.document))
        if known:
            found[source.document] = finder
    return found


def _kept_original(index: LoadedIndex, document: str) -> Path | None:
    """The original bytes the index version keeps of a document: what was indexed, even if edited since."""
    try:
        return index.original(document)[1]
    except ReportQAError:  # an index built before originals were kept
        return None


def outcome(retriever: Retriever, question: str) -> Outcome:
    result = answer(retriever, question, top_k=TOP_K)
    return Outcome(
        results=[Retrieved.of(r.hit.passage) for r in result.passages],
        confidence=result.confidence,
        answerable=result.answerable,
        answer_text=result.answer.highlighted_text if result.answer else None,
    )


def run_eval(retriever: Retriever, questions: Sequence[Question]) -> Report:
    """Score every question as the evaluation README says, top 10 passages each."""
    return score(
        questions,
        lambda q: outcome(retriever, q),
        document_pages=document_pages(retriever.index),
    )


def peer_outcome(peer: Peer, corpus: Sequence[Paragraph], question: str) -> Outcome:
    """A peer's top 10 paragraphs, which cite no section, and its top score as its confidence."""
    ranked = peer.rank(question)
    return Outcome(
        results=[
            Retrieved(corpus[r.row].text, None, None, None, document=corpus[r.row].document) for r in ranked
        ],
        confidence=ranked[0].score if ranked else 0.0,
    )


def run_peers(index: LoadedIndex, questions: Sequence[Question], embedder: Embedder) -> dict[str, Report]:
    """The peers' recipes over the index's canonical texts, scored on the same questions."""
    corpus = paragraphs(index.texts)
    return {peer.name: score(questions, _answerer(peer, corpus)) for peer in build_peers(corpus, embedder)}


def _answerer(peer: Peer, corpus: Sequence[Paragraph]) -> Callable[[str], Outcome]:
    return lambda question: peer_outcome(peer, corpus, question)


COMPARED = (
    ("questions", "questions"),
    *((key, label) for key, label in METRICS if key not in ("abstention_accuracy", "answer_accuracy")),
)
"""The columns of the comparison table: what reportqa and the peers both have."""
PEER_LABEL = "peer: "


def _cell(value: float | None, key: str) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if key in ("chars@5", "questions") else f"{value:.3f}"


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


def comparison_rows(report: Report, peers: Mapping[str, Report]) -> list[tuple[str, dict[str, float | None]]]:
    """reportqa's figures then each peer's, overall and per document, each with its row label."""
    rows: list[tuple[str, dict[str, float | None]]] = []
    for name, scored in [("reportqa", report), *((PEER_LABEL + n, r) for n, r in peers.items())]:
        rows.append((name, scored.overall))
        rows += [(f"{name} / {document}", metrics) for document, metrics in scored.by_document.items()]
    return rows


def format_comparison(report: Report, peers: Mapping[str, Report]) -> str | None:
    """A Markdown table with one row per system and per document; None when it would hold one row."""
    rows = comparison_rows(report, peers)
    if len(rows) < 2:
        return None
    header = "| system | " + " | ".join(label for _, label in COMPARED) + " |"
    rule = "|---|" + "---:|" * len(COMPARED)
    lines = [
        f"| {name} | " + " | ".join(_cell(m[key], key) for key, _ in COMPARED) + " |" for name, m in rows
    ]
    return "\n".join([header, rule, *lines])


def report_json(report: Report, peers: Mapping[str, Report] | None = None) -> dict[str, object]:
    body: dict[str, object] = {
        "overall": report.overall,
        "by_kind": report.by_kind,
        "questions": [
            {
                "id": s.question.id,
                "kind": s.question.kind,
                "document": s.question.document,
                "first_hit": s.first_hit,
                "citation_ok": s.citation_ok,
                "confidence": round(s.confidence, 4),
                "answerable": s.answerable,
                "answer_ok": s.answer_ok,
            }
            for s in report.questions
        ],
    }
    if report.by_document:
        body["by_document"] = report.by_document
    if peers:
        body["peers"] = {
            name: {"overall": peer.overall, "by_document": peer.by_document, "by_kind": peer.by_kind}
            for name, peer in peers.items()
        }
    return body
