"""Token vectors at scale: what an index's token vectors cost on disk, at load and in memory.

For each index directory: its passages, the bytes of its token files a passage, the
whole version's size, the median of ``--repeat`` loads (``load_index``, in a fresh
process, one thread) and the process's RSS after a load, with how much of it the load
added to the imports.  ``--code`` loads with another checkout's ``index/`` (e.g. a git
worktree of the commit before), so an index of the old format is measured as the old
code served it.  Results: docs/decisions.md ("Token vectors at scale").

    python -m bench.tokens INDEX_DIR [INDEX_DIR ...] [--code CHECKOUT] [--repeat 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN_FILES = ("tokens.npy", "token_offsets.npy", "token_axes.npy")
MB = 1 << 20

CHILD = """
import json, statistics, sys, time
from pathlib import Path

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024

from index.store import load_index
before = rss()
seconds, kept = [], None
for _ in range(int(sys.argv[2])):
    kept = None
    began = time.perf_counter()
    kept = load_index(Path(sys.argv[1]))
    seconds.append(time.perf_counter() - began)
print(json.dumps({"load_seconds": statistics.median(seconds), "rss": rss(), "rss_imports": before,
                  "passages": len(kept.passages), "path": str(kept.path)}))
"""


def measure(index_dir: Path, *, code: Path, repeat: int) -> dict[str, object]:
    """One index loaded ``repeat`` times by a child process running ``code``'s loader."""
    env = {**os.environ, "PYTHONPATH": str(code), "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run(  # run in ``code``: a child's sys.path starts with its working directory
        [sys.executable, "-c", CHILD, str(index_dir.resolve()), str(repeat)],
        env=env,
        cwd=code,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"loading {index_dir} failed:\n{done.stderr.strip()}")
    child = json.loads(done.stdout.strip().splitlines()[-1])
    version = Path(str(child["path"]))
    passages = int(child["passages"])
    token_bytes = sum((version / name).stat().st_size for name in TOKEN_FILES if (version / name).is_file())
    total = sum(path.stat().st_size for path in version.rglob("*") if path.is_file())
    return {
        "index": str(index_dir),
        "passages": passages,
        "token_bytes_per_passage": round(token_bytes / max(passages, 1)),
        "index_mb": round(total / MB, 1),
        "load_seconds": round(float(child["load_seconds"]), 3),
        "rss_mb": round(int(child["rss"]) / MB),
        "rss_load_mb": round((int(child["rss"]) - int(child["rss_imports"])) / MB),
    }


COLUMNS = (
    ("index", "index"),
    ("passages", "passages"),
    ("token_bytes_per_passage", "token bytes / passage"),
    ("index_mb", "index MB"),
    ("load_seconds", "load s (median)"),
    ("rss_mb", "RSS MB after load"),
    ("rss_load_mb", "of which the load"),
)


def table(rows: list[dict[str, object]]) -> str:
    """A Markdown table, one row per index."""
    lines = ["| " + " | ".join(label for _, label in COLUMNS) + " |", "|---|" + "---:|" * (len(COLUMNS) - 1)]
    lines += ["| " + " | ".join(str(row[key]) for key, _ in COLUMNS) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("index_dirs", nargs="+", type=Path)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose index/ loads (default: this)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = [measure(directory, code=args.code.resolve(), repeat=args.repeat) for directory in args.index_dirs]
    print(json.dumps(rows, indent=2) if args.json else table(rows))


if __name__ == "__main__":
    main()
