"""Fit the answerability model (index/confidence.py) and report its honest error rates.

Runs every question of the given sets through the real retriever, computes the
confidence signals, fits a logistic regression (numpy, L2-regularised) and reports
leave-one-out AUROC and accuracy, which estimate how it does on questions it was
not fitted on.  Prints the constants to paste into index/confidence.py.

    .venv/bin/python bench/calibrate.py --index data/index tests/data/dev.jsonl corpus/tuning/extra.jsonl

A set may name its own index as ``SET=INDEX``.  The shipped model is fine-tuned on
``corpus/tuning/``, so those questions sit closer to their passages than a user's
will; score each set on an index whose model was tuned without it (built with
``REPORTQA_TUNE_QUESTIONS`` naming the other sets), and the fit sees what users get.

``--documents`` fits the document model instead, on questions about other documents
(``corpus/fitting/``, indexed beside the report: ``docs/`` for sets 1 and 2 in IDX, ``docs-N/``
for set N in IDXN, N = 3 to 8), held out one document at a time:

    .venv/bin/python bench/calibrate.py --documents corpus/fitting/questions-1.jsonl=IDX \
        corpus/fitting/questions-2.jsonl=IDX corpus/fitting/questions-3.jsonl=IDX3 \
        corpus/fitting/questions-4.jsonl=IDX4 corpus/fitting/questions-5.jsonl=IDX5 \
        corpus/fitting/questions-6.jsonl=IDX6 corpus/fitting/questions-7.jsonl=IDX7 \
        corpus/fitting/questions-8.jsonl=IDX8 \
        tests/data/dev.jsonl=BASE ...   # the report's sets on an untuned-model index
"""

from __future__ import annotations

import argparse
import functools
import math
import os
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from index import confidence
from index.answering import answer
from index.evaluation import auroc, load_questions
from index.search import Retriever
from index.store import load_index
from service.app import serving_embedder_factory
from service.settings import Settings


def fit(
    x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, steps: int = 4000, rate: float = 0.1
) -> tuple[np.ndarray, float]:
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = p - y
        w -= rate * (x.T @ g / len(y) + l2 * w / len(y))
        b -= rate * float(g.mean())
    return w, b


@functools.cache
def retriever_for(root: Path) -> Retriever:
    """Questions embedded as the service embeds them (REPORTQA_EMBED_BACKEND): the fit is what is served."""
    index = load_index(root)
    return Retriever(index, serving_embedder_factory(Settings(index_dir=root))(index.manifest.model))


def scored(sets: list[str], default_index: Path) -> list[tuple[confidence.Evidence, float, str]]:
    """Each question's signals, its label (1: answerable) and the document it is about."""
    out = []
    for spec in sets:
        path, _, own_index = str(spec).partition("=")
        retriever = retriever_for(Path(own_index) if own_index else default_index)
        for q in load_questions(Path(path)):
            result = answer(retriever, q.question, top_k=5)
            assert result.evidence is not None
            out.append((result.evidence, 1.0 if q.answerable else 0.0, q.document or ""))
    return out


def fit_documents(sets: list[str], default_index: Path, *, l2: float, mix: float) -> None:
    """Fit the document model, held out one document at a time, and print its constants."""
    found = [row for row in scored(sets, default_index) if row[0].document_weight > 0]
    x = np.array([e.vector(confidence.DOCUMENT_FEATURES) for e, _, _ in found])
    y = np.array([label for _, label, _ in found])
    documents = np.array([document for _, _, document in found])
    held_out = np.zeros(len(y))
    for name in sorted(set(documents)):
        train, test = documents != name, documents == name
        means, scales = x[train].mean(0), x[train].std(0) + 1e-9
        w, b = fit((x[train] - means) / scales, y[train], l2=l2)
        held_out[test] = (x[test] - means) / scales @ w + b
    print(f"{len(y)} questions about {len(set(documents))} documents, {int((y == 0).sum())} unanswerable")
    print(f"leave-one-document-out AUROC {auroc(list(held_out[y == 1]), list(held_out[y == 0])):.3f}")
    means, scales = x.mean(0), x.std(0) + 1e-9
    w, b = fit((x - means) / scales, y, l2=l2)
    # Fitted at this set's mix of questions; shifted to users' mix, as the report model's threshold is.
    shift = math.log(mix / (1 - mix)) - math.log(y.mean() / (1 - y.mean()))
    print("\n# paste into index/confidence.py")
    print(f"DOCUMENT_FEATURES = {confidence.DOCUMENT_FEATURES!r}")
    print(f"DOCUMENT_MEANS = {tuple(round(float(v), 4) for v in means)!r}")
    print(f"DOCUMENT_SCALES = {tuple(round(float(v), 4) for v in scales)!r}")
    print(f"DOCUMENT_COEFFICIENTS = {tuple(round(float(v), 4) for v in w)!r}")
    print(f"DOCUMENT_INTERCEPT = {round(float(b + shift), 4)!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", help="Question sets, each SET or SET=INDEX.")
    parser.add_argument("--index", type=Path, default=Path("data/index"))
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument(
        "--answerable-share", type=float, default=5 / 6, help="Share of answerable questions users ask."
    )
    parser.add_argument(
        "--documents", nargs="+", default=None, help="Fit the document model on these sets instead."
    )
    args = parser.parse_args()
    if args.documents:
        fit_documents(args.documents, args.index, l2=args.l2, mix=args.answerable_share)
        return
    if not args.sets:
        parser.error("name the question sets to fit the report model on")
    found = scored(args.sets, args.index)
    x = np.array([e.vector() for e, _, _ in found])
    y = np.array([label for _, label, _ in found])
    means, scales = x.mean(0), x.std(0) + 1e-9
    xs = (x - means) / scales
    held_out = np.zeros(len(y))
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        w, b = fit(xs[keep], y[keep], l2=args.l2)
        held_out[i] = 1 / (1 + np.exp(-(xs[i] @ w + b)))
    positive, negative = held_out[y == 1], held_out[y == 0]
    print(f"{len(y)} questions, {int((y == 0).sum())} unanswerable")
    print(f"leave-one-out AUROC {auroc(list(positive), list(negative)):.3f}")
    # Our sets hold more unanswerable questions than users ask (the evaluation's mix is 5 to 1);
    # accuracy is also reported at that mix, and the threshold chosen for it.
    mix = args.answerable_share
    print(f"accuracy 'at mix' weighs the two kinds {mix:.3f} : {1 - mix:.3f}")
    best = (0.0, 0.5)
    for threshold in np.arange(0.2, 0.81, 0.05):
        predicted = held_out >= threshold
        accuracy = float((predicted == (y == 1)).mean())
        false_no = float((~predicted & (y == 1)).sum() / max(1, (y == 1).sum()))
        false_yes = float((predicted & (y == 0)).sum() / max(1, (y == 0).sum()))
        at_mix = mix * (1 - false_no) + (1 - mix) * (1 - false_yes)
        best = max(best, (round(at_mix, 4), round(float(threshold), 2)))
        print(
            f"  threshold {threshold:.2f}: accuracy {accuracy:.3f}, at mix {at_mix:.3f}; "
            f"answerable called unanswerable {false_no:.3f}, "
            f"unanswerable called answerable {false_yes:.3f}"
        )
    w, b = fit(xs, y, l2=args.l2)
    print("\n# paste into index/confidence.py")
    print(f"FEATURES = {confidence.FEATURES!r}")
    print(f"MEANS = {tuple(round(float(v), 4) for v in means)!r}")
    print(f"SCALES = {tuple(round(float(v), 4) for v in scales)!r}")
    print(f"COEFFICIENTS = {tuple(round(float(v), 4) for v in w)!r}")
    print(f"INTERCEPT = {round(float(b), 4)!r}")
    print(f"THRESHOLD = {best[1]!r}  # best accuracy at the mix, leave-one-out: {best[0]:.3f}")


if __name__ == "__main__":
    main()
