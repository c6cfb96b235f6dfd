"""Scoring retrieval on a question set, exactly as the evaluation README says.

Pure functions over a ``search(question) -> ranked results`` callable, so the same
scorer serves the CLI (``reportqa eval``), the tests and the benchmark.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import ReportQAError

_LINE_BREAK_HYPHEN = re.compile(r"(?<=[A-Za-z])-\s*\n\s*(?=[A-Za-z])")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    """Join a line-break hyphen between letters, lowercase, collapse non-alphanumerics, strip."""
    text = _LINE_BREAK_HYPHEN.sub("-", text).lower()
    return _NON_ALNUM.sub(" ", text).strip()


def _trigrams(words: Sequence[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def is_hit(passage_text: str, evidence: Iterable[str]) -> bool:
    """A passage answers when it holds an evidence quote, or 70% of the quote's word 3-grams."""
    passage = normalise(passage_text)
    passage_grams = _trigrams(passage.split())
    for quote in evidence:
        norm = normalise(quote)
        if not norm:
            continue
        if norm in passage:
            return True
        grams = _trigrams(norm.split())
        if grams and len(grams & passage_grams) / len(grams) >= 0.7:
            return True
    return False


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    evidence: list[str]
    section: str
    kind: str
    difficulty: str = ""

    @property
    def answerable(self) -> bool:
        return bool(self.evidence)


def load_questions(path: Path) -> list[Question]:
    """Read a JSONL question set; a malformed line is an error that names it."""
    questions: list[Question] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ReportQAError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            questions.append(
                Question(
                    id=str(record["id"]),
                    question=str(record["question"]),
                    evidence=list(record.get("evidence") or []),
                    section=str(record.get("section", "")),
                    kind=str(record.get("kind", "")),
                    difficulty=str(record.get("difficulty", "")),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ReportQAError(f"{path}:{number}: not a question record ({exc})") from exc
    if not questions:
        raise ReportQAError(f"{path}: holds no questions")
    return questions


@dataclass(frozen=True)
class Retrieved:
    """One ranked result as the scorer sees it."""

    text: str
    section: str
    page: int
    page_end: int
    footnote: int | None = None


@dataclass(frozen=True)
class Outcome:
    """What the system said for one question: ranked results, confidence, and its verdict."""

    results: Sequence[Retrieved]
    confidence: float
    answerable: bool | None = None
    answer_text: str | None = None


@dataclass
class QuestionScore:
    question: Question
    first_hit: int | None
    citation_ok: bool | None
    confidence: float
    answerable: bool | None
    answer_ok: bool | None
    chars5: float


@dataclass
class Report:
    """Metrics overall and per kind, plus every question's score for inspection."""

    overall: dict[str, float | None]
    by_kind: dict[str, dict[str, float | None]]
    questions: list[QuestionScore] = field(default_factory=list)


def _gold_pages(question: Question, texts_pages: Callable[[str], set[int]] | None) -> set[int] | None:
    if texts_pages is None:
        return None
    pages: set[int] = set()
    for quote in question.evidence:
        pages |= texts_pages(quote)
    return pages or None


def citation_ok(question: Question, hit: Retrieved, gold_pages: set[int] | None) -> bool:
    """The hit names the gold section (or is marked a footnote) and a page that holds the evidence."""
    if question.section == "footnote":
        section_ok = hit.footnote is not None
    else:
        section_ok = hit.section == question.section
    if gold_pages is None:
        return section_ok
    return section_ok and any(hit.page <= page <= hit.page_end for page in gold_pages)


def auroc(positives: Sequence[float], negatives: Sequence[float]) -> float | None:
    """Probability that a random answerable question outscores a random unanswerable one."""
    if not positives or not negatives:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def score(
    questions: Sequence[Question],
    answer: Callable[[str], Outcome],
    *,
    evidence_pages: Callable[[str], set[int]] | None = None,
) -> Report:
    """Run every question through ``answer`` and compute the README's metrics."""
    scored: list[QuestionScore] = []
    for question in questions:
        outcome = answer(question.question)
        results = list(outcome.results)
        first: int | None = None
        cited: bool | None = None
        if question.answerable:
            for rank, result in enumerate(results[:10], start=1):
                if is_hit(result.text, question.evidence):
                    first = rank
                    cited = citation_ok(question, result, _gold_pages(question, evidence_pages))
                    break
        answer_ok: bool | None = None
        if question.answerable and outcome.answer_text is not None:
            answer_ok = is_hit(outcome.answer_text, question.evidence)
        top5 = results[:5]
        scored.append(
            QuestionScore(
                question=question,
                first_hit=first,
                citation_ok=cited,
                confidence=outcome.confidence,
                answerable=outcome.answerable,
                answer_ok=answer_ok,
                chars5=sum(len(r.text) for r in top5) / len(top5) if top5 else 0.0,
            )
        )
    kinds = sorted({s.question.kind for s in scored})
    return Report(
        overall=_metrics(scored, scored),
        by_kind={kind: _metrics([s for s in scored if s.question.kind == kind], scored) for kind in kinds},
        questions=scored,
    )


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _metrics(subset: list[QuestionScore], everything: list[QuestionScore]) -> dict[str, float | None]:
    answerable = [s for s in subset if s.question.answerable]

    def hit_at(k: int) -> float | None:
        return _mean([1.0 if s.first_hit is not None and s.first_hit <= k else 0.0 for s in answerable])

    hits = [s for s in answerable if s.first_hit is not None]
    verdicts = [s for s in subset if s.answerable is not None]
    # AUROC always compares this subset's answerable questions against all unanswerable ones,
    # so that per-kind figures exist for kinds that hold no unanswerable question.
    negatives = [s.confidence for s in everything if not s.question.answerable]
    positives = [s.confidence for s in answerable]
    if subset and all(not s.question.answerable for s in subset):
        positives = [s.confidence for s in everything if s.question.answerable]
    return {
        "questions": float(len(subset)),
        "hit@1": hit_at(1),
        "hit@3": hit_at(3),
        "hit@5": hit_at(5),
        "mrr@10": _mean([1.0 / s.first_hit if s.first_hit else 0.0 for s in answerable]),
        "chars@5": _mean([s.chars5 for s in subset]),
        "auroc": auroc(positives, negatives),
        "abstention_accuracy": _mean(
            [1.0 if s.answerable == s.question.answerable else 0.0 for s in verdicts]
        ),
        "answer_accuracy": _mean(
            [1.0 if s.answer_ok else 0.0 for s in answerable if s.answer_ok is not None]
        ),
        "citation_accuracy": _mean([1.0 if s.citation_ok else 0.0 for s in hits]),
    }


def raw_page_finder(raw: str) -> Callable[[str], set[int]]:
    """Pages of a quote found in the raw source, counted independently of the parser.

    A page begins with a line that starts with one space; the quote is matched on
    normalised text, so the pages come from the source itself, not from our citations.
    """
    spans: list[tuple[int, int, int]] = []  # start, end in the normalised stream, page
    stream: list[str] = []
    length = 0
    page = 1
    for i, line in enumerate(raw.split("\n")):
        if i > 0 and re.match(r"^ \S", line):
            page += 1
        norm = normalise(line)
        if not norm:
            continue
        if stream:
            stream.append(" ")
            length += 1
        spans.append((length, length + len(norm), page))
        stream.append(norm)
        length += len(norm)
    text = "".join(stream)

    def pages(quote: str) -> set[int]:
        norm = normalise(quote)
        found: set[int] = set()
        start = text.find(norm)
        while norm and start >= 0:
            end = start + len(norm)
            found |= {p for s, e, p in spans if s < end and e > start}
            start = text.find(norm, start + 1)
        return found

    return pages
