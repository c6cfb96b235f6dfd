"""PyTorch against ONNX Runtime (float32 and int8) for the question embedder: speed and retrieval quality.

Speed: one short question (median ms) and batches of 32 (questions/s), each
backend with the service's thread setting.  Quality: the development sample
(``tests/data/dev.jsonl``) through the hybrid retriever over the same index
(passages always embedded by PyTorch at ingest), scored by ``index.evaluation``.

    python bench/backends.py --index-dir data/index [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from index.answering import answer
from index.backends import load_embedder
from index.evaluation import Outcome, Retrieved, load_questions, score
from index.search import Retriever
from index.store import load_index

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "dev.jsonl"
BACKENDS = ("torch", "onnx", "onnx-int8")


def backend_rows(index_dir: Path, *, threads: int = 1, repeats: int = 3) -> list[dict[str, object]]:
    """One row per backend: single-question ms, batch-32 throughput, Hit@5 and MRR@10 on the dev sample."""
    index = load_index(index_dir)
    questions = load_questions(DEV)
    texts = [q.question for q in questions]
    rows: list[dict[str, object]] = []
    for backend in BACKENDS:
        embedder = load_embedder(index.manifest.model, backend=backend, threads=threads)
        embedder.embed(texts[:4])
        singles = []
        for _ in range(repeats):
            for text in texts:
                began = time.perf_counter()
                embedder.embed([text])
                singles.append((time.perf_counter() - began) * 1000)
        batches = []
        for round_ in range(repeats * 2):
            batch = [f"{texts[(i + round_) % len(texts)]} {round_}" for i in range(32)]
            began = time.perf_counter()
            embedder.embed(batch)
            batches.append(time.perf_counter() - began)
        retriever = Retriever(index, embedder)

        def outcome(question: str, retriever: Retriever = retriever) -> Outcome:
            result = answer(retriever, question, top_k=10)
            return Outcome(
                results=[Retrieved.of(r.hit.passage) for r in result.passages],
                confidence=result.confidence,
                answerable=result.answerable,
                answer_text=result.answer.highlighted_text if result.answer else None,
            )

        report = score(questions, outcome)
        rows.append(
            {
                "backend": backend,
                "single_ms_p50": round(statistics.median(singles), 2),
                "batch32_per_s": round(32 / statistics.median(batches)),
                "hit_at_1": report.overall.get("hit@1"),
                "hit_at_5": report.overall.get("hit@5"),
                "mrr_at_10": report.overall.get("mrr@10"),
                "no_answer_auroc": report.overall.get("auroc"),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    for row in backend_rows(args.index_dir, threads=args.threads):
        print(json.dumps(row))


if __name__ == "__main__":
    main()
