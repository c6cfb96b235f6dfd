"""Rebuild timings for ``make bench``: a full build, and a rebuild after a one-paragraph edit.

Both builds use the same, already loaded model, so the figures exclude the
model's load; the target is an edit rebuild under 20% of the full build.

    python bench/rebuild.py [--model all-MiniLM-L6-v2] [--source corpus/high-level-dialogue-2006.txt]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from index.backends import load_embedder
from index.embedder import Embedder
from ingest.pipeline import build_index

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT / "corpus" / "high-level-dialogue-2006.txt"
TARGET_RATIO = 0.20


def edit_one_paragraph(path: Path) -> None:
    """Change one word in the middle of the report: one paragraph's text differs."""
    raw = path.read_text(encoding="utf-8")
    needle = "232 billion"
    if needle not in raw:
        lines = raw.split("\n")
        middle = len(lines) // 2
        lines[middle] = lines[middle].replace(" the ", " this ", 1)
        path.write_text("\n".join(lines), encoding="utf-8")
    else:
        path.write_text(raw.replace(needle, "250 billion", 1), encoding="utf-8")


def rebuild_rows(*, embedder: Embedder, source: Path = DEFAULT_SOURCE) -> list[dict[str, object]]:
    """Time a full build (empty cache) and a rebuild after a one-paragraph edit, in a scratch dir."""
    scratch = Path(tempfile.mkdtemp(prefix="reportqa-bench-"))
    try:
        copy = scratch / "sources" / source.name
        copy.parent.mkdir()
        shutil.copy(source, copy)
        root = scratch / "index"
        began = time.perf_counter()
        full = build_index([copy], root, embedder=embedder, progress=False, cache_dir=scratch / "cache")
        full_seconds = time.perf_counter() - began
        edit_one_paragraph(copy)
        began = time.perf_counter()
        edited = build_index([copy], root, embedder=embedder, progress=False, cache_dir=scratch / "cache")
        edit_seconds = time.perf_counter() - began
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    ratio = edit_seconds / full_seconds if full_seconds else 0.0
    return [
        {
            "metric": "rebuild_full_seconds",
            "value": round(full_seconds, 3),
            "embedded": full.summary.embedded,
        },
        {
            "metric": "rebuild_one_paragraph_seconds",
            "value": round(edit_seconds, 3),
            "embedded": edited.summary.embedded,
            "changed": edited.summary.changed,
        },
        {
            "metric": "rebuild_ratio",
            "value": round(ratio, 4),
            "target": TARGET_RATIO,
            "ok": ratio < TARGET_RATIO,
        },
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="all-MiniLM-L6-v2", help="embedding model")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args()
    began = time.perf_counter()
    embedder = load_embedder(args.model)
    embedder.embed(["warm up"])
    load_seconds = time.perf_counter() - began
    rows = [{"metric": "model_load_seconds", "value": round(load_seconds, 3)}]
    rows += rebuild_rows(embedder=embedder, source=args.source)
    for row in rows:
        print(json.dumps(row))


if __name__ == "__main__":
    main()
