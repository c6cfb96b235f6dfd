"""What each part of retrieval buys: every signal alone, then fused step by step.

Scores the question sets with the evaluation README's rules for each variant,
over one built index; the variants without section titles re-embed the passages
in memory.  Prints a Markdown table (Hit@1, Hit@5, MRR@10 per set).

    .venv/bin/python bench/ablation.py --index data/index tests/data/dev.jsonl corpus/tuning/extra.jsonl
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from index.backends import load_embedder
from index.embedder import encode
from index.eval_run import document_pages
from index.evaluation import Outcome, Question, Retrieved, load_questions, score
from index.lexical import LexicalIndex
from index.search import Retriever
from index.store import load_index

Scorer = Callable[[str, np.ndarray], np.ndarray]


def minmax(values: np.ndarray) -> np.ndarray:
    spread = float(values.max() - values.min())
    return (values - values.min()) / spread if spread > 1e-9 else np.zeros_like(values)


def rrf(*rankings: np.ndarray, k: int = 60) -> np.ndarray:
    total = np.zeros_like(rankings[0])
    for values in rankings:
        ranks = np.empty(len(values))
        ranks[np.argsort(-values)] = np.arange(1, len(values) + 1)
        total += 1.0 / (k + ranks)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--index", type=Path, default=Path("data/index"))
    args = parser.parse_args()
    index = load_index(args.index)
    embedder = load_embedder(index.manifest.model)
    retriever = Retriever(index, embedder)
    passages = index.passages
    plain_vectors = embedder.embed([p.text for p in passages])
    plain_lexical = LexicalIndex([p.text for p in passages])
    titled = retriever.derived.lexical

    def best_sentence(query: np.ndarray) -> np.ndarray:
        best = np.full(len(passages), -1.0, dtype=np.float32)
        np.maximum.at(best, index.sentence_rows, index.sentence_scores(query))
        return best

    variants: dict[str, Scorer] = {
        "dense, text only": lambda q, v: plain_vectors @ v,
        "BM25, text only": lambda q, v: plain_lexical.scores(q),
        "RRF dense + BM25, text only (peers' hybrid)": lambda q, v: rrf(
            plain_vectors @ v, plain_lexical.scores(q)
        ),
        "dense, with section titles": lambda q, v: index.all_scores(v),
        "BM25, with section titles": lambda q, v: titled.scores(q),
        "best sentence alone": lambda q, v: best_sentence(v),
        "RRF dense + BM25, with titles": lambda q, v: rrf(index.all_scores(v), titled.scores(q)),
        "min-max dense + 0.6 BM25, with titles": lambda q, v: (
            minmax(index.all_scores(v)) + 0.6 * minmax(titled.scores(q))
        ),
        "RRF dense + sentence + BM25": lambda q, v: rrf(
            index.all_scores(v), best_sentence(v), titled.scores(q)
        ),
        "min-max dense (no titles) + sentence + 0.6 BM25": lambda q, v: (
            minmax(plain_vectors @ v) + minmax(best_sentence(v)) + 0.6 * minmax(titled.scores(q))
        ),
        "min-max dense + sentence + 0.6 BM25": lambda q, v: (
            minmax(index.all_scores(v)) + minmax(best_sentence(v)) + 0.6 * minmax(titled.scores(q))
        ),
        "+ symbol bonus, section lift": lambda q, v: retriever.signals_for(q, v).fused,
        "+ late interaction, best 10 (shipped)": lambda q, v: (
            retriever.signals_for(q, v, tokens=tokens[q]).fused
        ),
    }
    sets = {path.stem: load_questions(path) for path in args.sets}
    every: list[Question] = [q for questions in sets.values() for q in questions]
    encoded = encode(embedder, [q.question for q in every])
    vectors = {q.question: e.vector for q, e in zip(every, encoded, strict=True)}
    tokens = {q.question: e.tokens for q, e in zip(every, encoded, strict=True)}
    pages = document_pages(retriever.index)
    header = (
        "| variant | " + " | ".join(f"{name} Hit@1 | {name} Hit@5 | {name} MRR@10" for name in sets) + " |"
    )
    print(header)
    print("|---|" + "---:|" * (3 * len(sets)))
    for label, scorer in variants.items():

        def answer(question: str, scorer: Scorer = scorer) -> Outcome:
            values = scorer(question, vectors[question])
            order = np.argsort(-values, kind="stable")[:10]
            results = [Retrieved.of(passages[i]) for i in order]
            return Outcome(results, float(values[order[0]]))

        cells = []
        for questions in sets.values():
            metrics = score(questions, answer, document_pages=pages).overall
            cells += [f"{metrics['hit@1']:.2f}", f"{metrics['hit@5']:.2f}", f"{metrics['mrr@10']:.3f}"]
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
