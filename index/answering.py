"""From ranked passages to an answer: the sentence(s) that answer, and whether any do.

Everything is extractive: the answer is a span of a passage, quoted as it stands
in the report, and the highlight of every passage is such a span.  Sentences are
scored by the question's similarity to the sentence plus its BM25 match; the best
one is joined by the better of its neighbours, because the evidence a question
needs often spans two sentences ("a sentence or two").  A record (an annex entry:
event, date, venue, organizers, outcome) is quoted whole: two of its lines rarely
hold both the event a question names and the field it asks for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from index import confidence
from index.citing import pages_text
from index.confidence import Evidence
from index.embedder import KnowsWords
from index.search import Hit, Retriever, Signals
from index.vocabulary import absent_terms

LEXICAL_WEIGHT = 0.3


@dataclass(frozen=True)
class RankedPassage:
    hit: Hit
    highlight: tuple[int, int]
    """``(start, end)`` within the passage text."""

    @property
    def highlighted_text(self) -> str:
        start, end = self.highlight
        return self.hit.passage.text[start:end]


@dataclass(frozen=True)
class AnswerResult:
    question: str
    passages: list[RankedPassage]
    answer: RankedPassage | None
    answerable: bool
    confidence: float
    reason: str | None
    evidence: Evidence | None
    verdict: str | None = None
    """When not answerable: the line a reader sees first (``confidence.verdict``)."""


def _sentence_scores(
    retriever: Retriever, signals: Signals, question: str, hits: Sequence[Hit]
) -> dict[int, float]:
    """The highlight's score of each sentence of ``hits``: its cosine plus its scaled BM25.

    Only the hits' sentences: a large library has 160,000 sentences, and summing them all
    for five passages cost 0.1 ms a question.
    """
    lexical = retriever.derived.sentence_lexical.scores(retriever.derived.acronyms.expand(question))
    peak = float(lexical.max()) if lexical.size else 0.0
    numbers, _, _ = retriever.derived.sentences_in(np.array([hit.row for hit in hits], dtype=np.int64))
    scaled = lexical[numbers] / peak if peak > 0 else lexical[numbers]
    values = signals.sentence[numbers] + LEXICAL_WEIGHT * scaled
    return dict(zip(numbers.tolist(), values.tolist(), strict=True))


def highlight(retriever: Retriever, row: int, scores: Mapping[int, float]) -> tuple[int, int]:
    """The best sentence of passage ``row`` with its better neighbour, as a span of the passage.

    A record, or a passage without sentences, is its own highlight.
    """
    numbers = retriever.derived.sentences_of[row]
    span = retriever.index.sentence_span
    if not numbers or row in retriever.derived.records:
        return 0, len(retriever.index.passages[row].text)
    best = max(numbers, key=lambda n: scores[n])
    neighbours = [n for n in (best - 1, best + 1) if n in numbers]
    first = last = best
    if neighbours:
        other = max(neighbours, key=lambda n: scores[n])
        first, last = min(best, other), max(best, other)
    return span(first)[1], span(last)[2]


def where(retriever: Retriever, hit: Hit) -> str:
    """Where the closest passage stands, for a reason: its section, title, page, and document if several.

    A format without pages gives no page, never "page None".
    """
    citation = hit.passage.citation
    place = f"section {citation.section} ({citation.title})"
    if len(retriever.derived.scopes.documents) > 1:
        place += f" of {retriever.derived.scopes.title_of(citation.document)}"
    pages = pages_text(citation.page, None)  # where it begins
    return f"{place}, {pages}" if pages else place


def _absent_terms(
    retriever: Retriever, question: str, document: str, spelled: Mapping[str, str]
) -> list[str]:
    """The rare terms of ``question`` that ``document`` never uses; none for a model without a vocabulary."""
    embedder = retriever.embedder
    if not isinstance(embedder, KnowsWords):
        return []
    return absent_terms(question, retriever.derived.words[document], embedder.whole_words, spelled)


def answer(
    retriever: Retriever,
    question: str,
    *,
    top_k: int = 5,
    section: str | None = None,
    document: str | None = None,
    signals: Signals | None = None,
) -> AnswerResult:
    """Rank passages, highlight each, pick the answer and judge whether it answers at all.

    ``document`` and ``section`` scope the search (see ``Retriever.signals``).
    """
    signals = signals or retriever.signals(question, section=section, document=document)
    hits = retriever.rank(signals, top_k=top_k)
    scores = _sentence_scores(retriever, signals, question, hits)
    ranked = [RankedPassage(hit, highlight(retriever, hit.row, scores)) for hit in hits]
    if not ranked:
        return AnswerResult(question, [], None, False, 0.0, "There is no passage in this scope.", None)
    top = ranked[0]
    in_scope = np.isfinite(signals.fused)
    spelled = retriever.derived.acronyms.in_question(question)
    facts = confidence.evidence(
        question,
        passage_scores=signals.dense[in_scope],
        answer_text=top.highlighted_text,
        passage_text=top.hit.passage.text,
        # The whole section: a name the question gives may sit in the best passage's neighbour.
        section_text=retriever.derived.section_text(top.hit.passage),
        knows=retriever.derived.lexical.knows,
        spelled=spelled,
        word_match=None if signals.late is None else float(signals.late[top.hit.row]),
        bunching=retriever.derived.bunching[top.hit.passage.citation.document],
        terms=_absent_terms(retriever, question, top.hit.passage.citation.document, spelled),
    )
    probability = confidence.probability(facts)
    answerable = probability >= confidence.THRESHOLD
    several = document is None and len(retriever.derived.scopes.documents) > 1
    return AnswerResult(
        question=question,
        passages=ranked,
        answer=top,
        answerable=answerable,
        confidence=probability,
        reason=None
        if answerable
        else confidence.reason(facts, probability, where=where(retriever, top.hit), several=several),
        evidence=facts,
        verdict=None if answerable else confidence.verdict(several=several),
    )
