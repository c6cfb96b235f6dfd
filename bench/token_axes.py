"""Which axes the token vectors are coded on, and what it does to the report's first hits as a corpus grows.

Takes a small index (the report alone) and a large one that holds the report among other
documents (``bench/scale.py --keep`` leaves both), embeds every passage's words again with the
index's model, and recodes the token vectors of both on other axes: fitted on each corpus (as
ingest does, with 128 or more axes), or the small corpus's axes used in the large one.  Each
variant answers the question sets in both indexes; only the late interaction changes.  Prints
first hits (rank 1) of the answerable questions.  Results: docs/decisions.md ("Serving at 30x,
and what keeps the Hit@1 gap").

    python -m bench.token_axes SMALL_INDEX LARGE_INDEX QUESTIONS.jsonl [...] [--dimensions 128,192]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np

from index.embedder import encode
from index.evaluation import Question, is_hit, load_questions
from index.late import TokenSample, TokenVectors, code, offsets_of
from index.search import Retriever
from ingest.pipeline import embedding_input
from service.app import serving_embedder_factory
from service.settings import Settings
from service.state import load_retriever


def words_of(retriever: Retriever, step: int = 64) -> list[np.ndarray]:
    """Every passage's token vectors (punctuation left out), as ingest computes them."""
    texts = [embedding_input(passage) for passage in retriever.index.passages]
    out: list[np.ndarray] = []
    for start in range(0, len(texts), step):
        for encoded in encode(retriever.embedder, texts[start : start + step]):
            if encoded.tokens is None:
                raise SystemExit("this index's model gives no token vectors")
            out.append(np.asarray(encoded.tokens, dtype=np.float32))
    return out


def fitted_axes(tokens: list[np.ndarray], dimensions: int) -> np.ndarray:
    sample = TokenSample()
    for rows in tokens:
        sample.add(rows)
    return sample.axes(dimensions)


def recode(retriever: Retriever, tokens: list[np.ndarray], axes: np.ndarray) -> None:
    codes = [code(rows, axes) for rows in tokens]
    retriever.index.tokens = TokenVectors(np.concatenate(codes), offsets_of(tokens), axes)


def first_hits(retriever: Retriever, questions: list[Question]) -> int:
    found = 0
    for question in questions:
        hits = retriever.search(question.question, top_k=1)
        found += bool(hits) and is_hit(hits[0].passage.text, question.evidence)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("small", type=Path)
    parser.add_argument("large", type=Path)
    parser.add_argument("questions", type=Path, nargs="+")
    parser.add_argument("--dimensions", default="128,192,256")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    questions = [q for path in args.questions for q in load_questions(path) if q.evidence]
    small, large = (
        load_retriever(root, embedder_factory=serving_embedder_factory(Settings(index_dir=root)))
        for root in (args.small, args.large)
    )
    print(f"{len(questions)} answerable questions; first hits, small / large index")
    print(f"as stored: {first_hits(small, questions)} / {first_hits(large, questions)}", flush=True)
    words = {name: words_of(r) for name, r in (("small", small), ("large", large))}
    for dimensions in (int(d) for d in args.dimensions.split(",")):
        own = {name: fitted_axes(tokens, dimensions) for name, tokens in words.items()}
        recode(small, words["small"], own["small"])
        recode(large, words["large"], own["large"])
        each = f"{first_hits(small, questions)} / {first_hits(large, questions)}"
        recode(large, words["large"], own["small"])
        print(
            f"{dimensions} axes fitted on each corpus: {each}; "
            f"the small corpus's axes in the large: {first_hits(large, questions)}",
            flush=True,
        )


if __name__ == "__main__":
    main()
