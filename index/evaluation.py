"""Scoring retrieval on a question set, exactly as the evaluation README says.

Pure functions over a ``search(question) -> ranked results`` callable, so the same
scorer serves the CLI (``reportqa eval``), the tests and the benchmark.  A question may
name its ``document``: then only that document's passages can answer it, and its
citation must name that document's own section label and, where the source has pages,
a page that holds the evidence (``page: None`` where it has none).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import ReportQAError
from index.models import Passage

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
    document: str | None = None
    """The document id (the source file's stem) the question is about; None: any document."""

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
                    document=str(record["document"]) if record.get("document") else None,
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ReportQAError(f"{path}:{number}: not a question record ({exc})") from exc
    if not questions:
        raise ReportQAError(f"{path}: holds no questions")
    return questions


@dataclass(frozen=True)
class Retrieved:
    """One ranked result as the scorer sees it.

    ``section`` is None for a result that cites no section (the peers' paragraphs): it
    counts for Hit@k but not for citation accuracy.  ``page`` is None for a source
    without pages.
    """

    text: str
    section: str | None
    page: int | None
    page_end: int | None
    footnote: int | None = None
    document: str | None = None
    title: str | None = None
    """The cited section's title: a heading printed without a label is cited by its text."""

    @classmethod
    def of(cls, passage: Passage) -> Retrieved:
        """A ranked passage as the scorer sees it: its text and its whole citation."""
        c = passage.citation
        return cls(passage.text, c.section, c.page, c.page_end, c.footnote, c.document, c.title)


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
    """Metrics overall, per kind and per document, plus every question's score for inspection.

    ``by_document`` is filled only when the questions name two or more documents.
    """

    overall: dict[str, float | None]
    by_kind: dict[str, dict[str, float | None]]
    questions: list[QuestionScore] = field(default_factory=list)
    by_document: dict[str, dict[str, float | None]] = field(default_factory=dict)


PageFinder = Callable[[str], set[int]]
"""The pages of a source that hold a quote (empty when the quote is not found verbatim)."""


def _gold_pages(question: Question, texts_pages: PageFinder | None) -> set[int] | None:
    if texts_pages is None:
        return None
    pages: set[int] = set()
    for quote in question.evidence:
        pages |= texts_pages(quote)
    return pages or None


def answers(question: Question, result: Retrieved) -> bool:
    """A hit: the result holds the evidence and, when the question names one, comes from its document."""
    if question.document is not None and result.document != question.document:
        return False
    return is_hit(result.text, question.evidence)


def _names_section(hit: Retrieved, gold: str) -> bool:
    """The hit's section id is the gold label ("0." and "0" alike, "APPENDIX" and "Appendix"),
    or, for a heading printed without a label, its title is the gold heading text up to case and
    punctuation; a gold heading written whole ("Step 1: Fork") is the hit's label and title together."""
    label = gold.strip().rstrip(".").casefold()
    if hit.section is not None and hit.section.strip().rstrip(".").casefold() == label:
        return True
    if hit.title is None or not normalise(gold):
        return False
    whole = f"{hit.section or ''} {hit.title}"
    return normalise(gold) in (normalise(hit.title), normalise(whole))


def citation_ok(
    question: Question, hit: Retrieved, gold_pages: set[int] | None, *, paged: bool = True
) -> bool:
    """The hit names the gold section (or is marked a footnote) and a page that holds the evidence.

    With a ``document`` the hit must name it too.  For a source without pages
    (``paged=False``) the only right page is none at all.  Without gold pages (the
    quote is not found verbatim in the source) only the section is checked.
    """
    if question.document is not None and hit.document != question.document:
        return False
    if question.section == "footnote":
        section_ok = hit.footnote is not None
    else:
        section_ok = _names_section(hit, question.section)
    if not paged:
        return section_ok and hit.page is None
    if gold_pages is None:
        return section_ok
    if hit.page is None:
        return False
    last = hit.page_end if hit.page_end is not None else hit.page
    return section_ok and any(hit.page <= page <= last for page in gold_pages)


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
    evidence_pages: PageFinder | None = None,
    document_pages: Mapping[str, PageFinder | None] | None = None,
) -> Report:
    """Run every question through ``answer`` and compute the README's metrics.

    Pages are checked against ``document_pages`` for the hit's document when it is
    listed there (a None finder: the source has no pages), else against ``evidence_pages``.
    """
    pages_of = document_pages or {}
    scored: list[QuestionScore] = []
    for question in questions:
        outcome = answer(question.question)
        results = list(outcome.results)
        first: int | None = None
        cited: bool | None = None
        if question.answerable:
            for rank, result in enumerate(results[:10], start=1):
                if answers(question, result):
                    first = rank
                    if result.section is not None:
                        paged = True
                        finder = evidence_pages
                        if result.document is not None and result.document in pages_of:
                            finder = pages_of[result.document]
                            paged = finder is not None
                        cited = citation_ok(question, result, _gold_pages(question, finder), paged=paged)
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
    documents = sorted({s.question.document for s in scored if s.question.document is not None})
    by_document: dict[str, dict[str, float | None]] = {}
    if len(documents) > 1:
        groups = {name: [s for s in scored if s.question.document == name] for name in documents}
        unnamed = [s for s in scored if s.question.document is None]
        if unnamed:
            groups[NO_DOCUMENT] = unnamed
        by_document = {name: _metrics(group, scored) for name, group in groups.items()}
    return Report(
        overall=_metrics(scored, scored),
        by_kind={kind: _metrics([s for s in scored if s.question.kind == kind], scored) for kind in kinds},
        questions=scored,
        by_document=by_document,
    )


NO_DOCUMENT = "(any document)"
"""The per-document row of questions that name no document."""


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _metrics(subset: list[QuestionScore], everything: list[QuestionScore]) -> dict[str, float | None]:
    answerable = [s for s in subset if s.question.answerable]

    def hit_at(k: int) -> float | None:
        return _mean([1.0 if s.first_hit is not None and s.first_hit <= k else 0.0 for s in answerable])

    cited = [s for s in answerable if s.first_hit is not None and s.citation_ok is not None]
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
        "citation_accuracy": _mean([1.0 if s.citation_ok else 0.0 for s in cited]),
    }


_ONE_SPACE = re.compile(r"^ \S")
_PAGE_LINES = 10
"""Lines between two page starts at least; a page of the report holds 16 or more."""
_PART_WORDS = 4
_LINE_END_HYPHEN = re.compile(r"(?<=[a-z])-[ \t]*\n\s*(?=[a-z])")


def _locator(pieces: Iterable[tuple[int, str]]) -> Callable[[str], set[int]]:
    """Pages of a normalised quote in a stream of ``(page, text)`` pieces read in order."""
    spans: list[tuple[int, int, int]] = []  # start, end in the normalised stream, page
    stream: list[str] = []
    length = 0
    for page, piece in pieces:
        norm = normalise(piece)
        if not norm:
            continue
        if stream:
            stream.append(" ")
            length += 1
        spans.append((length, length + len(norm), page))
        stream.append(norm)
        length += len(norm)
    text = "".join(stream)

    def pages(norm: str) -> set[int]:
        found: set[int] = set()
        start = text.find(norm)
        while norm and start >= 0:
            end = start + len(norm)
            found |= {p for s, e, p in spans if s < end and e > start}
            start = text.find(norm, start + 1)
        return found

    return pages


def _raw_lines(raw: str) -> list[tuple[int, str]]:
    """Each line of a plain-text source with its page.

    A page begins after a form feed or, in a text with none, at a line that starts with
    exactly one space (the report's layout) when there are two or more and every two stand
    ``_PAGE_LINES`` lines apart: an indented run, as in a licence's notice, or a list with
    right-aligned numerals (`` ii.``) is not a page each, and the text has no pages.
    """
    lines = raw.split("\n")
    starts = {i for i, line in enumerate(lines) if line.startswith("\f")}
    if not starts:
        ordered = [i for i, line in enumerate(lines) if _ONE_SPACE.match(line)]
        apart = all(b - a >= _PAGE_LINES for a, b in itertools.pairwise(ordered))
        starts = set(ordered) if len(ordered) >= 2 and apart else set()
    numbered: list[tuple[int, str]] = []
    page = 1
    for i, line in enumerate(lines):
        if i > 0 and i in starts:
            page += 1
        numbered.append((page, line))
    return numbered


def raw_page_count(raw: str) -> int:
    """How many pages a plain-text source has by the convention of ``raw_page_finder`` (1: no breaks)."""
    lines = _raw_lines(raw)
    return lines[-1][0] if lines else 1


def raw_page_finder(raw: str) -> PageFinder:
    """Pages of a quote found in the raw source, counted independently of the parser.

    A page begins with a line that starts with one space; the quote is matched on
    normalised text, so the pages come from the source itself, not from our citations.
    """
    locate = _locator(_raw_lines(raw))
    return lambda quote: locate(normalise(quote))


def pages_finder(pages: Sequence[tuple[int, str]]) -> PageFinder:
    """Pages of a quote in text extracted page by page (a PDF's), independently of the parser.

    The quote is looked up in the pages' text as extracted and with line-end hyphens
    removed ("devel-\nopment"); a quote cut by a running header or footer where it
    crosses a page is found in two parts of at least four words each.
    """
    plain = _locator(pages)
    joined = _locator((page, _LINE_END_HYPHEN.sub("", text)) for page, text in pages)

    def locate(norm: str) -> set[int]:
        return plain(norm) | joined(norm)

    def find(quote: str) -> set[int]:
        norm = normalise(quote)
        found = locate(norm)
        words = norm.split()
        # Not found whole: the longest head that is found, and the rest found as well.
        for cut in range(len(words) - _PART_WORDS, _PART_WORDS - 1, -1):
            if found:
                break
            head = locate(" ".join(words[:cut]))
            tail = locate(" ".join(words[cut:])) if head else set()
            found = head | tail if tail else set()
        return found

    return find
