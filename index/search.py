"""Ranking passages for a question over a loaded index."""

from __future__ import annotations

from dataclasses import dataclass

from index.models import Passage
from index.store import LoadedIndex
from ingest.embedder import Embedder


@dataclass(frozen=True)
class Hit:
    """A ranked passage; ``score`` is higher for a better match."""

    passage: Passage
    score: float


def in_scope(passage: Passage, section: str | None) -> bool:
    """Whether a passage lies in ``section``: ``"B.4"`` exactly, or ``"B"`` for all of part B."""
    if section is None:
        return True
    own = passage.citation.section
    return own == section or own.startswith(f"{section}.")


class Retriever:
    """Dense retrieval: the question's embedding against every passage by inner product."""

    def __init__(self, index: LoadedIndex, embedder: Embedder) -> None:
        self.index = index
        self.embedder = embedder

    def search(self, question: str, *, top_k: int = 5, section: str | None = None) -> list[Hit]:
        query = self.embedder.embed([question])[0]
        rows = self.index.search(query, len(self.index.passages) if section else top_k)
        hits = [
            Hit(self.index.passages[row], score)
            for row, score in rows
            if in_scope(self.index.passages[row], section)
        ]
        return hits[:top_k]
