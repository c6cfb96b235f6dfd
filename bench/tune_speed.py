"""How long fine-tuning takes: ``fine_tune`` on the real question pairs, timed per recipe.

Builds the pairs as ``reportqa ingest`` does (the default report and ``corpus/tuning``),
then trains each recipe given, ``--repeat`` times, interleaved (A B A B ...) so a
neighbour's load falls on every recipe alike, and prints the median seconds and
steps per second.  Each run writes its model to a temporary folder, deleted after.

    .venv/bin/python bench/tune_speed.py                           # today's recipe
    .venv/bin/python bench/tune_speed.py --recipe '' --recipe 'epochs=1' --repeat 3
    .venv/bin/python bench/tune_speed.py --recipe '' --limit 320   # steps/s on 320 pairs only

A recipe is ``field=value`` pairs, comma-separated, over ``ingest.tuning.RECIPE``;
``''`` is that recipe itself.  Run nothing else on the machine meanwhile: two torch
jobs on two cores make each several times slower.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from index.embedder import DEFAULT_MODEL
from index.evaluation import load_questions
from ingest.chunking import DEFAULT_CHUNK_SIZE
from ingest.passages import passages_of
from ingest.sources import find_sources, parse_source, read_source
from ingest.tuning import RECIPE, Recipe, fine_tune, question_files, training_pairs

ROOT = Path(__file__).resolve().parent.parent


def steps_of(pair_count: int, recipe: Recipe) -> int:
    """Optimiser steps over ``pair_count`` pairs: every epoch, one per batch."""
    return recipe.epochs * -(-pair_count // recipe.batch_size)


def parse_recipe(text: str) -> Recipe:
    """``'epochs=1,batch_size=32'`` over today's recipe; each value is converted to its field's type."""
    types = {f.name: type(getattr(RECIPE, f.name)) for f in dataclasses.fields(Recipe)}
    changes: dict[str, object] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, value = item.partition("=")
        if name not in types:
            raise SystemExit(f"unknown recipe field {name!r}; fields: {', '.join(types)}")
        kind = types[name]
        changes[name] = value.lower() in ("1", "true", "yes") if kind is bool else kind(value)
    return dataclasses.replace(RECIPE, **changes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipe", action="append", help="field=value,... over today's recipe (repeatable)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each recipe (default 1)")
    parser.add_argument("--limit", type=int, default=0, help="train on the first N pairs only (0: all)")
    parser.add_argument(
        "--sources", nargs="+", type=Path, default=[ROOT / "corpus" / "high-level-dialogue-2006.txt"]
    )
    parser.add_argument("--questions", nargs="+", type=Path, default=[ROOT / "corpus" / "tuning"])
    parser.add_argument("--model", default=DEFAULT_MODEL)
    args = parser.parse_args()

    passages = [
        p
        for found in find_sources(args.sources)
        for p in passages_of(parse_source(read_source(found.path)), chunk_size=DEFAULT_CHUNK_SIZE)
    ]
    questions = [q for path in question_files(args.questions) for q in load_questions(path)]
    pairs = training_pairs(questions, passages)
    if args.limit:
        pairs = pairs[: args.limit]
    recipes = [parse_recipe(text) for text in (args.recipe or [""])]
    print(f"{len(pairs)} pairs from {len(questions)} questions over {len(passages)} passages")

    seconds: list[list[float]] = [[] for _ in recipes]
    for run in range(args.repeat):
        for i, recipe in enumerate(recipes):
            with tempfile.TemporaryDirectory() as tmp:
                began = time.perf_counter()
                fine_tune(args.model, pairs, Path(tmp) / "model", recipe)
                took = time.perf_counter() - began
            seconds[i].append(took)
            steps = steps_of(len(pairs), recipe)
            print(
                f"run {run + 1} recipe {i + 1}: {took:.1f} s, {steps} steps, {steps / took:.2f} steps/s",
                flush=True,
            )

    print("\nrecipe | steps | median s | median steps/s | runs (s)")
    for i, recipe in enumerate(recipes):
        steps = steps_of(len(pairs), recipe)
        median = statistics.median(seconds[i])
        changed = {k: v for k, v in dataclasses.asdict(recipe).items() if getattr(RECIPE, k) != v}
        label = ", ".join(f"{k}={v}" for k, v in changed.items()) or "today's"
        runs = " ".join(f"{s:.1f}" for s in seconds[i])
        print(f"{label} | {steps} | {median:.1f} | {steps / median:.2f} | {runs}")


if __name__ == "__main__":
    main()
