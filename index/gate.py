"""The quality gate: a new version replaces the current one only if it answers as well.

Both versions answer the same question set; if the new one's Hit@5 or MRR@10 is
lower than the current one's by more than ``margin``, the switch is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from index.embedder import Embedder
from index.evaluation import Outcome, Question, Retrieved, score
from index.search import Retriever
from index.store import load_index

GATED_METRICS = ("hit@5", "mrr@10")


@dataclass(frozen=True)
class GateResult:
    current: dict[str, float]
    candidate: dict[str, float]
    margin: float

    @property
    def drops(self) -> dict[str, float]:
        """How far each gated metric fell (positive) or rose (negative)."""
        return {m: round(self.current[m] - self.candidate[m], 4) for m in GATED_METRICS}

    @property
    def passed(self) -> bool:
        return all(drop <= self.margin for drop in self.drops.values())

    def describe(self) -> str:
        parts = []
        for m in GATED_METRICS:
            rise = round(self.candidate[m] - self.current[m], 3) + 0.0  # + 0.0: no "-0.000"
            parts.append(f"{m} {self.current[m]:.3f} -> {self.candidate[m]:.3f} ({rise:+.3f})")
        verdict = "passed" if self.passed else f"refused: a drop beyond the margin {self.margin}"
        return f"gate {verdict}: " + ", ".join(parts)


EmbedderFor = Callable[[str], Embedder]


def metrics(version_dir: Path, questions: Sequence[Question], embedder_for: EmbedderFor) -> dict[str, float]:
    """Hit@5 and MRR@10 of one index version on ``questions``, with the model its manifest names."""
    index = load_index(version_dir.parent.parent, version_dir=version_dir)
    retriever = Retriever(index, embedder_for(index.manifest.model))

    def answer(question: str) -> Outcome:
        hits = retriever.search(question, top_k=10)
        results = [Retrieved.of(h.passage) for h in hits]
        return Outcome(results=results, confidence=hits[0].score if hits else 0.0)

    overall = score(questions, answer).overall
    return {m: float(overall[m] or 0.0) for m in GATED_METRICS}


def gate(
    current: Path, candidate: Path, questions: Sequence[Question], embedder_for: EmbedderFor, *, margin: float
) -> GateResult:
    """Score both versions on the same questions."""
    return GateResult(
        metrics(current, questions, embedder_for), metrics(candidate, questions, embedder_for), margin
    )
