"""Growth benchmark (issue 16): what ingest, the index and the service cost as the corpus grows.

    make bench-scale                                  # or: .venv/bin/python bench/scale.py
    .venv/bin/python bench/scale.py --sizes 1,30 --keep --out bench/results/scale-latest.json

For each size (1x = the report alone, about 102 passages; 30x and 300x add real
documentation pages of other kinds, bench/scale_corpus.py) it builds a fresh index with
``reportqa ingest`` and measures as users run it, through this checkout's CLI
(``python -m service.cli``) and over HTTP on loopback: ingest wall time, time per phase and
peak RSS of the process tree; index bytes on disk per passage and the biggest files; seconds
from ``reportqa serve`` to the first ``/readyz`` 200; sequential ``/ask`` p50 and throughput
at 8 clients on new questions (bench/bench.py's questions, each made unique so the answer
cache never helps), medians of rounds that take the sizes in turn (``--rounds``), so a
machine that slows down mid-run weighs on every size alike; the service's RSS after that
load; and the report's held-out questions answered in the grown corpus (``reportqa eval``,
Hit@1, compared with the 1x build).

Each ingest gets a model cache of its own that links the tuned model and its ONNX graphs
from the user's cache but not the embedding caches, so every size embeds all its text, as
a first build does; nothing is tuned.  Prints a Markdown table, writes the JSON to
``bench/results/scale-latest.json`` and a log-log chart to ``bench/growth.svg``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench import Context, free_port, load, load_questions, machine, sequential
from bench.scale_chart import FIGURES, write_chart
from bench.scale_corpus import REPORT, Corpus, build_corpus, default_cache
from index.model_cache import default_cache_dir

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "scale-latest.json"
CHART = ROOT / "bench" / "growth.svg"
HELD_OUT = [
    ROOT / "tests" / "data" / name for name in ("dev.jsonl", "extra5.jsonl", "extra7.jsonl", "extra9.jsonl")
]
READY_TIMEOUT = 600
MIB = 1 << 20
EMBEDDING_CACHES = ("embeddings", "tokens")
"""Files of a model's cache folder that hold vectors of texts (left out of a size's private cache)."""


def cli(*args: str) -> list[str]:
    """This checkout's CLI, run by this interpreter (not the installed console script)."""
    return [sys.executable, "-m", "service.cli", *args]


def base_env(model_cache: Path) -> dict[str, str]:
    """The environment of every child: offline, no background tuning, the given model cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTQA_")}
    env.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        REPORTQA_BACKGROUND_TUNING="false",
        REPORTQA_CACHE_DIR=str(model_cache),
        PYTHONPATH=str(ROOT),
    )
    return env


def private_model_cache(shared: Path, into: Path) -> Path:
    """A model cache whose models are links to ``shared``'s, without its embedding caches.

    The tuned weights and ONNX graphs are reused (so nothing is tuned or exported again),
    but every text is embedded: ingest time is a first build's, not a cache hit's.
    """
    into.mkdir(parents=True, exist_ok=True)
    if not shared.is_dir():
        return into
    for model in shared.iterdir():
        if not model.is_dir() or model.name == "bench-corpus":
            continue
        mine = into / model.name
        mine.mkdir(exist_ok=True)
        for entry in model.iterdir():
            if entry.name.split("-")[0].split(".")[0] in EMBEDDING_CACHES or entry.name.startswith("."):
                continue
            if entry.is_dir() and not entry.name.endswith(".partial"):
                (mine / entry.name).symlink_to(entry)
    return into


# --- the process tree's memory, from /proc ---


def tree_pids(pid: int) -> list[int]:
    """``pid`` and all its descendants, as /proc lists them now."""
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        with contextlib.suppress(OSError):  # the process has gone
            queue += [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
    return pids


def rss_bytes(pid: int) -> int:
    """VmRSS of one process in bytes (0 if it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss(pid: int) -> int:
    return sum(rss_bytes(p) for p in tree_pids(pid))


@dataclass
class Watch:
    """Polls a process tree's RSS; kills the tree past ``limit`` bytes or ``deadline`` seconds.

    Every ``every`` seconds it appends ``seconds<TAB>MiB`` to ``trace``, so how memory grew
    is known even for an ingest that is stopped or never finishes.
    """

    pid: int
    limit: int
    trace: Path
    deadline: float | None = None
    every: float = 5.0
    peak: int = 0
    stopped: str | None = None
    """Why the tree was killed: ``"RSS limit"`` or ``"time limit"``; None while it runs on its own."""
    done: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        started = last = time.perf_counter()
        with self.trace.open("w", encoding="utf-8") as trace:
            while not self.done.wait(0.25):
                now = tree_rss(self.pid)
                self.peak = max(self.peak, now)
                if time.perf_counter() - last >= self.every:
                    last = time.perf_counter()
                    trace.write(f"{last - started:.0f}\t{now / MIB:.0f}\n")
                    trace.flush()
                if now > self.limit:
                    self.stopped = "RSS limit"
                elif self.deadline is not None and time.perf_counter() - started > self.deadline:
                    self.stopped = "time limit"
                if self.stopped:
                    os.killpg(self.pid, signal.SIGKILL)
                    return


def _phases(stream: IO[bytes], log: IO[bytes], marks: list[tuple[str, float]]) -> None:
    """Copy the ingest's stderr to its log and timestamp each ``phase: NAME`` line."""
    for raw in iter(stream.readline, b""):
        log.write(raw)
        log.flush()  # progress visible while a long ingest runs
        line = raw.decode("utf-8", "replace").strip()
        if line.startswith("phase: "):
            marks.append((line[len("phase: ") :], time.perf_counter()))


def measure_ingest(
    corpus: Corpus, index_dir: Path, env: dict[str, str], limit: int, deadline: float | None
) -> dict[str, Any]:
    """``reportqa ingest`` of the corpus into a new index dir: wall time, phases, peak RSS of the tree.

    An ingest stopped at the RSS limit or the deadline gives what was measured until then,
    with ``stopped`` saying why and ``progress`` its last lines of output.
    """
    log_path = index_dir.parent / f"ingest-{corpus.size}x.log"
    command = cli("ingest", "--json", "--index-dir", str(index_dir), *map(str, corpus.sources))
    marks: list[tuple[str, float]] = []
    started = time.perf_counter()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
        assert process.stderr is not None and process.stdout is not None
        reader = threading.Thread(target=_phases, args=(process.stderr, log, marks), daemon=True)
        reader.start()
        watch = Watch(process.pid, limit, log_path.with_suffix(".rss.tsv"), deadline)
        watcher = threading.Thread(target=watch.run, daemon=True)
        watcher.start()
        out = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        watch.done.set()
        reader.join(timeout=5)
    code = os.waitstatus_to_exitcode(status)
    if code != 0 and not watch.stopped:
        raise SystemExit(f"ingest {corpus.size}x failed ({code}):\n{log_path.read_text()[-3000:]}")
    ends = [t for _, t in marks[1:]] + [started + seconds] * bool(marks)
    phases = {name: round(end - begun, 1) for (name, begun), end in zip(marks, ends, strict=True)}
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mib": round(max(watch.peak, usage.ru_maxrss * 1024) / MIB),
        "peak_rss_largest_process_mib": round(usage.ru_maxrss / 1024),
        "phases_s": phases,
        "stopped": watch.stopped,
        "rss_trace_mib": _trace(watch.trace),
        "progress": log_path.read_text(errors="replace").splitlines()[-6:] if watch.stopped else None,
        "report": _without_paths(_json_tail(out.decode("utf-8", "replace"))),
    }


def _trace(path: Path, every: int = 12) -> list[list[int]]:
    """Every ``every``-th sample of the RSS trace as ``[seconds, MiB]`` (a minute apart), kept in the JSON."""
    rows = [line.split("\t") for line in path.read_text().splitlines() if line]
    return [[int(a), int(b)] for a, b in rows[every - 1 :: every]]


def _without_paths(report: Any) -> Any:
    """The ingest's report without its machine path (results may be committed)."""
    return {k: v for k, v in report.items() if k != "path"} if isinstance(report, dict) else report


def _json_tail(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text[-2000:]


def measure_disk(index_dir: Path, top: int = 8) -> dict[str, Any]:
    """The current version's bytes on disk, per passage, and its biggest files."""
    version = (index_dir / "current").resolve()
    manifest = json.loads((version / "manifest.json").read_text())
    sizes = {p.relative_to(version).as_posix(): p.stat().st_size for p in version.rglob("*") if p.is_file()}
    total = sum(sizes.values())
    passages = int(manifest["passage_count"])
    return {
        "passages": passages,
        "documents": len(manifest.get("sources") or []),
        "index_bytes": total,
        "bytes_per_passage": round(total / max(passages, 1)),
        "files": dict(sorted(sizes.items(), key=lambda kv: -kv[1])[:top]),
    }


# --- the service ---


def start_server(
    index_dir: Path, env: dict[str, str], log: Path
) -> tuple[subprocess.Popen[bytes], str, float]:
    """``reportqa serve`` on a free port; the process, its URL and seconds to the first /readyz 200."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = cli("serve", "--host", "127.0.0.1", "--port", str(port))
    started = time.perf_counter()
    with log.open("wb") as sink:
        server = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env | {"REPORTQA_LOG_LEVEL": "warning", "REPORTQA_INDEX_DIR": str(index_dir)},
            stdout=sink,
            stderr=sink,
        )
    while True:
        if server.poll() is not None:
            raise SystemExit(f"reportqa serve exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        if time.perf_counter() - started > READY_TIMEOUT:
            server.kill()
            raise SystemExit(f"service not ready after {READY_TIMEOUT}s:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                return server, base_url, time.perf_counter() - started
        except httpx.TransportError:
            pass
        time.sleep(0.02)


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@dataclass
class Serving:
    """One size's running service and what its rounds measured."""

    size: int
    server: subprocess.Popen[bytes]
    base_url: str
    ready_s: float
    p50s: list[float] = field(default_factory=list)
    loads: list[dict[str, Any]] = field(default_factory=list)
    rss_warm: int = 0


def measure_services(
    sized: list[tuple[int, Path, dict[str, str]]], args: argparse.Namespace
) -> dict[int, Any]:
    """Cold start of each size, then sequential p50 and throughput in interleaved rounds, medians kept.

    Every size's service stays up and the rounds take them in turn, each round starting
    one size later, so a machine that slows down during the run (a noisy neighbour, a
    warmer CPU) weighs on every size alike: the ratios against 1x are what the targets
    compare.  RSS is read after the first round (warm) and after the last (loaded).
    """
    questions = load_questions()
    running: list[Serving] = []
    try:
        for size, index_dir, env in sized:  # one at a time: readiness is measured on a quiet machine
            server, base_url, ready = start_server(
                index_dir, env, index_dir.parent / f"serve-{index_dir.name}.log"
            )
            running.append(Serving(size, server, base_url, ready))
        for number in range(args.rounds):
            turn = number % len(running)
            for serving in running[turn:] + running[:turn]:
                ctx = Context(args=args, index_dir=Path(), questions=questions)
                ctx.fresh_base += number * 10_000_000
                serving.p50s.append(statistics.median(sequential(ctx, serving.base_url, fresh=True)))
                if number == 0:
                    serving.rss_warm = tree_rss(serving.server.pid)
                serving.loads.append(
                    load(ctx, serving.base_url, clients=args.clients, fresh=True, duration=args.duration)
                )
            print(
                f"bench-scale: round {number + 1}/{args.rounds}: "
                + ", ".join(f"{s.size}x {s.loads[-1]['rps']:.0f} req/s" for s in running),
                file=sys.stderr,
                flush=True,
            )
        return {s.size: _service_figures(s, args) for s in running}
    finally:
        for serving in running:
            stop(serving.server)


def _service_figures(serving: Serving, args: argparse.Namespace) -> dict[str, Any]:
    rps = [result["rps"] for result in serving.loads]
    return {
        "ready_s": round(serving.ready_s, 2),
        "seq_p50_ms": round(statistics.median(serving.p50s), 2),
        "seq_p50_rounds_ms": [round(p, 2) for p in serving.p50s],
        "seq_requests": args.requests,
        "rps": round(statistics.median(rps), 1),
        "rps_rounds": [round(r, 1) for r in rps],
        "rounds": args.rounds,
        "clients": args.clients,
        "load_errors": sum(result["errors"] for result in serving.loads),
        "load_requests": sum(result["requests"] for result in serving.loads),
        "load_p50_ms": round(statistics.median(result["p50"] for result in serving.loads), 1),
        "rss_warm_mib": round(serving.rss_warm / MIB),
        "rss_mib": round(tree_rss(serving.server.pid) / MIB),
    }


def measure_quality(index_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    """The report's held-out questions (dev, extra5/7/9, scored as one set) in this index: Hit@1 and more."""
    done = subprocess.run(
        cli("eval", *map(str, HELD_OUT), "--index-dir", str(index_dir), "--json"),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"reportqa eval failed:\n{done.stderr[-3000:]}")
    overall = json.loads(done.stdout)["overall"]
    return {k: overall[k] for k in overall if isinstance(overall[k], int | float) or overall[k] is None}


# --- one size ---


def run_size(
    size: int,
    report_passages: int,
    args: argparse.Namespace,
    workdir: Path,
    serve: dict[int, tuple[Path, dict[str, str]]],
) -> dict[str, Any]:
    """Build the corpus of ``size``, ingest it into a fresh dir and measure it.

    ``serve`` gets the index and environment the size is served from, for the rounds.
    """
    note = f"bench-scale: {size}x"
    corpus_env = base_env(default_cache_dir())
    corpus = build_corpus(size, report_passages, args.corpus_cache, corpus_env)
    print(
        f"{note}: {corpus.pages} extra pages, about {corpus.expected_passages} passages",
        file=sys.stderr,
        flush=True,
    )
    folder = workdir / f"{size}x"
    env = base_env(private_model_cache(default_cache_dir(), folder / "model-cache"))
    index_dir = folder / "index"
    print(f"{note}: ingest ...", file=sys.stderr, flush=True)
    deadline = args.ingest_timeout * 60 if args.ingest_timeout else None
    ingest = measure_ingest(corpus, index_dir, env, int(args.rss_limit_gib * (1 << 30)), deadline)
    row: dict[str, Any] = {
        "size": size,
        "corpus": {
            "extra_pages": corpus.pages,
            "packages": corpus.packages,
            "expected_passages": corpus.expected_passages,
        },
        "ingest": ingest,
        "index_dir": str(index_dir) if args.keep else None,
    }
    if ingest["stopped"]:
        print(f"{note}: ingest stopped at the {ingest['stopped']}", file=sys.stderr, flush=True)
        return row
    disk = measure_disk(index_dir)
    print(
        f"{note}: ingest {ingest['seconds']} s, {disk['passages']} passages; eval ...",
        file=sys.stderr,
        flush=True,
    )
    quality = measure_quality(index_dir, env)
    ingest["embedding_cache_bytes"] = sum(
        p.stat().st_size for p in (folder / "model-cache").rglob("*.npz") if p.is_file()
    )
    serve[size] = (index_dir, env)
    return row | {"disk": disk, "quality": quality}


def report_passage_count(env: dict[str, str]) -> int:
    """Passages of the report alone, from ``reportqa outline`` (1x)."""
    done = subprocess.run(
        cli("outline", "--json", str(REPORT)), cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"reportqa outline failed:\n{done.stderr[-3000:]}")
    return sum(int(s["passages"]) for d in json.loads(done.stdout)["documents"] for s in d["sections"])


# --- output ---


def _cell(get: Any, row: dict[str, Any]) -> str:
    """A figure of a row, or a dash where the row has none (an ingest that was stopped)."""
    try:
        return str(get(row))
    except (KeyError, TypeError):
        return "—"


def _passages(row: dict[str, Any]) -> str:
    if "disk" in row:
        return f"{row['disk']['passages']} passages"
    expected, stopped = row["corpus"]["expected_passages"], row["ingest"]["stopped"]
    return f"about {expected} passages, ingest stopped at the {stopped}"


def table(rows: list[dict[str, Any]]) -> str:
    """Figures by size as Markdown, sizes as columns."""
    head = "| figure | " + " | ".join(f"{r['size']}x ({_passages(r)})" for r in rows) + " |"
    lines = [head, "|---|" + "---:|" * len(rows)]
    for name, unit, get in FIGURES:
        label = f"{name} ({unit})" if unit else name
        lines.append(f"| {label} | " + " | ".join(_cell(get, r) for r in rows) + " |")
    return "\n".join(lines)


Row = dict[str, Any]
Target = tuple[str, Callable[[Row, Row], bool], Callable[[Row, Row], str]]
"""An issue-16 target: its name, whether a row meets it against the 1x row, and the figure shown."""

TARGETS: tuple[Target, ...] = (
    (
        "index <= 12 KB per passage",
        lambda r, b: r["disk"]["bytes_per_passage"] <= 12_000,
        lambda r, b: f"{r['disk']['bytes_per_passage'] / 1000:.1f} KB",
    ),
    ("ready <= 3 s", lambda r, b: r["service"]["ready_s"] <= 3, lambda r, b: f"{r['service']['ready_s']} s"),
    (
        "p50 <= 1.3x the 1x figure",
        lambda r, b: r["service"]["seq_p50_ms"] <= 1.3 * b["service"]["seq_p50_ms"],
        lambda r, b: f"{r['service']['seq_p50_ms'] / b['service']['seq_p50_ms']:.2f}x",
    ),
    (
        "throughput >= 0.8x the 1x figure",
        lambda r, b: r["service"]["rps"] >= 0.8 * b["service"]["rps"],
        lambda r, b: f"{r['service']['rps'] / b['service']['rps']:.2f}x",
    ),
    (
        "held-out Hit@1 drop <= 0.01",
        lambda r, b: b["quality"]["hit@1"] - r["quality"]["hit@1"] <= 0.01 + 1e-9,
        lambda r, b: f"{b['quality']['hit@1'] - r['quality']['hit@1']:+.3f} drop",
    ),
)


def targets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Issue 16's targets for every size against the 1x row of the same run."""
    complete = [r for r in rows if "service" in r]
    base = next((r for r in complete if r["size"] == 1), None)
    if base is None:
        return []
    return [
        {"size": r["size"], "target": name, "figure": show(r, base), "met": bool(ok(r, base))}
        for r in complete
        if r["size"] != 1
        for name, ok, show in TARGETS
    ]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--sizes",
        type=lambda v: [int(x) for x in v.split(",")],
        default=[1, 30, 300],
        help="Corpus sizes, in multiples of the report's passages (1,30,300).",
    )
    parser.add_argument(
        "--keep", action="store_true", help="Keep the index dirs (their paths are in the JSON)."
    )
    parser.add_argument(
        "--out", type=Path, default=RESULTS, help=f"JSON results (default {RESULTS.relative_to(ROOT)})."
    )
    parser.add_argument(
        "--chart", type=Path, default=CHART, help=f"SVG chart (default {CHART.relative_to(ROOT)})."
    )
    parser.add_argument(
        "--corpus-cache",
        type=Path,
        default=default_cache(),
        help="Where the Debian packages are downloaded and unpacked ($REPORTQA_BENCH_CORPUS).",
    )
    parser.add_argument("--workdir", type=Path, default=None, help="Where index dirs are built (a temp dir).")
    parser.add_argument(
        "--duration", type=float, default=10, help="Seconds of load at --clients, each round (10)."
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="Interleaved rounds of p50 and load; medians (3).",
    )
    parser.add_argument("--clients", type=int, default=8, help="Concurrent clients (8).")
    parser.add_argument("--requests", type=int, default=200, help="Sequential requests, each round (200).")
    parser.add_argument(
        "--ingest-timeout",
        type=float,
        default=None,
        help="Stop an ingest after this many minutes and keep what was measured (default: none).",
    )
    parser.add_argument("--rss-limit-gib", type=float, default=16, help="Stop an ingest past this RSS (16).")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    info = machine()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="reportqa-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    report_passages = report_passage_count(base_env(default_cache_dir()))
    rows: list[dict[str, Any]] = []
    try:
        serve: dict[int, tuple[Path, dict[str, str]]] = {}
        for size in args.sizes:
            rows.append(run_size(size, report_passages, args, workdir, serve))
            write(args, info, rows, report_passages)  # what is measured is kept if a later size fails
        if serve:  # none when every ingest was stopped
            print(
                f"bench-scale: serving {len(serve)} sizes in {args.rounds} rounds ...",
                file=sys.stderr,
                flush=True,
            )
        served = measure_services([(size, *serve[size]) for size in serve], args) if serve else {}
        for row in rows:
            if row["size"] in served:
                row["service"] = served[row["size"]]
        write(args, info, rows, report_passages)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"reportqa growth bench, {info['cpus']} CPUs ({info['cpu_model']}), load average at start "
        f"{' '.join(info['loadavg'] or [])}\n"
    )
    print(table(rows))
    for row in rows:
        if row["ingest"]["stopped"]:
            ingest = row["ingest"]
            print(f"\n{row['size']}x: ingest stopped at the {ingest['stopped']}: {ingest['progress']}")
            continue
        passages = row["disk"]["passages"]
        files = ", ".join(
            f"{name} {size / passages / 1000:.2f}" for name, size in row["disk"]["files"].items()
        )
        print(f"\n{row['size']}x: biggest index files, KB a passage: {files}")
        print(f"{row['size']}x: ingest phases (s): {row['ingest']['phases_s']}")
    for t in targets(rows):
        print(f"{t['size']}x: {t['target']}: {t['figure']} {'met' if t['met'] else 'MISSED'}")
    print(f"\nJSON: {args.out}; chart: {args.chart}", file=sys.stderr)


def write(
    args: argparse.Namespace, info: dict[str, Any], rows: list[dict[str, Any]], report_passages: int
) -> None:
    """The JSON results and the chart, rewritten after every size."""
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["bench/scale.py", *sys.argv[1:]]),
        "machine": info,
        "report_passages": report_passages,
        "rows": rows,
        "targets": targets(rows),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    write_chart(rows, args.chart)


if __name__ == "__main__":
    main()
