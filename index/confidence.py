"""How sure we are that the report answers a question, as a probability.

A logistic model over a few signals that a person can read:

* ``sentence``: cosine of the question with the best-matching sentence in scope;
* ``dense``: cosine of the question with the best-matching passage;
* ``unknown_names``: names and numbers in the question (capitalised words after the
  first, digits) that occur nowhere in the indexed text: "FIFA", "2013";
* ``unknown_share``: the share of the question's content words the text never uses;
* ``asks_specific``: the question asks for a date, a number or a person;
* ``type_found``: the answer holds what such a question asks for (a year or month,
  a figure, a name).

The coefficients are fitted by ``bench/calibrate.py`` on questions the report
answers and questions it does not (the development sample and our own set);
refit there after changing the retrieval, the model or the corpus, and paste the
printed coefficients below.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass

THRESHOLD = 0.5

# Fitted by bench/calibrate.py; features are standardised with MEANS and SCALES first.
FEATURES = ("sentence", "dense", "unknown_names", "unknown_share", "asks_specific", "type_found")
MEANS = (0.6455, 0.5911, 0.1923, 0.2771, 0.2769, 0.8923)
SCALES = (0.1266, 0.1364, 0.4489, 0.1956, 0.4475, 0.31)
COEFFICIENTS = (0.6348, 0.5479, -0.5453, 0.3193, -0.9238, -0.0144)
INTERCEPT = 2.2592

STOPWORDS = frozenset(
    """a an the of in on at to for from by with and or but is are was were be been being what which who
    whom whose when where why how did do does done had has have it its this that these those there their
    they them he she his her i my me you your we our us can could would should will shall may might must
    not no any some all each about after before as into than then so such also between during over under
    up down out more most other only own same just very per via""".split()
)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9/.'\-]*[A-Za-z0-9]|[A-Za-z0-9]")
_DATE = re.compile(
    r"\b(1[89]\d\d|20\d\d)\b|\b(January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\b"
)
_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion)\b", re.I
)
_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]+|\b(Mr|Mrs|Ms|Dr)\.? [A-Z]")
_ASKS_DATE = re.compile(r"^(when|in what year|what year|on what date|by when)\b|\bwhen\b", re.I)
_ASKS_NUMBER = re.compile(
    r"\bhow (many|much)\b|\bwhat (number|share|percentage|amount|proportion)\b|\bby what vote\b", re.I
)
_ASKS_PERSON = re.compile(r"^who\b|\bwho (held|won|painted|co-?chaired|chaired|was|is)\b", re.I)


@dataclass(frozen=True)
class Evidence:
    """The readable signals behind a confidence, and the unknown words that lowered it."""

    sentence: float
    dense: float
    unknown_names: float
    unknown_share: float
    asks_specific: float
    type_found: float
    unknown: tuple[str, ...] = ()
    asked_for: str | None = None

    def vector(self) -> list[float]:
        values = asdict(self)
        return [float(values[name]) for name in FEATURES]


def asked_for(question: str) -> tuple[str | None, re.Pattern[str] | None]:
    """What kind of thing a question asks for, if it is a date, a number or a person."""
    if _ASKS_DATE.search(question):
        return "a date", _DATE
    if _ASKS_NUMBER.search(question):
        return "a figure", _NUMBER
    if _ASKS_PERSON.search(question):
        return "a name", _NAME
    return None, None


def evidence(
    question: str, *, sentence: float, dense: float, answer_text: str, knows: Callable[[str], bool]
) -> Evidence:
    """Compute the signals for a question, its best scores and the answer we would give."""
    words = _WORD.findall(question)
    content = [w for w in words if w.lower() not in STOPWORDS]
    names = [w for i, w in enumerate(words) if i > 0 and (w[0].isupper() or w[0].isdigit())]
    unknown = tuple(dict.fromkeys(w for w in content if not knows(w)))
    unknown_names = [w for w in names if not knows(w)]
    kind, pattern = asked_for(question)
    return Evidence(
        sentence=sentence,
        dense=dense,
        unknown_names=float(len(unknown_names)),
        unknown_share=len(unknown) / len(content) if content else 1.0,
        asks_specific=1.0 if kind else 0.0,
        type_found=1.0 if pattern is None or pattern.search(answer_text) else 0.0,
        unknown=tuple(unknown_names) or unknown,
        asked_for=kind if pattern is not None and not pattern.search(answer_text) else None,
    )


def probability(signals: Evidence) -> float:
    """The calibrated probability that the report answers the question."""
    z = INTERCEPT + sum(
        c * (x - m) / s for c, x, m, s in zip(COEFFICIENTS, signals.vector(), MEANS, SCALES, strict=True)
    )
    return 1.0 / (1.0 + math.exp(-z))


def reason(signals: Evidence, confidence: float, *, where: str) -> str:
    """Why we think the report does not answer, in words a reader can check."""
    parts = [f"Nothing in it matches the question closely enough (confidence {confidence:.2f})."]
    if signals.unknown_names:
        parts.append(f"It never mentions {', '.join(repr(w) for w in signals.unknown[:4])}.")
    if signals.asked_for:
        parts.append(f"The question asks for {signals.asked_for}, and the closest passage gives none.")
    parts.append(f"The closest passage is {where}; it is shown below so you can judge.")
    return " ".join(parts)
