"""Benchmark reportqa as users run it: ingest, cold start, latency, throughput and memory.

    make bench                      # or: .venv/bin/python bench/bench.py
    .venv/bin/python bench/bench.py --duration 10 --clients 4 --requests 100

Builds the index from the default report into a fresh temporary directory with
``reportqa ingest`` (wall time, peak RSS), starts ``reportqa serve`` on it and
measures over HTTP on loopback.  Prints a Markdown table to stdout and writes
every figure to ``bench/results/latest.json``.  Each measurement is one function
returning rows ``(name, value, unit)``, so adding one means adding a function to
``MEASUREMENTS``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import socket
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
from typing import Any
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import wrk
from bench.fresh_start import measure_fresh_start
from index.model_cache import default_cache_dir

ROOT = Path(__file__).resolve().parent.parent
REPORTQA = str(Path(sys.executable).with_name("reportqa"))
QUESTIONS = ROOT / "tests" / "data" / "dev.jsonl"
RESULTS = ROOT / "bench" / "results" / "latest.json"
READY_TIMEOUT = 120

Row = tuple[str, float | int | str, str]


@dataclass
class Context:
    """What the measurements share: options, the index, the running service and the questions."""

    args: argparse.Namespace
    index_dir: Path
    questions: list[str]
    base_url: str = ""
    servers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    fresh_base: int = 1_000_000
    details: dict[str, Any] = field(default_factory=dict)


def env_for(index_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTQA_")}
    env.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        REPORTQA_INDEX_DIR=str(index_dir),
        REPORTQA_CACHE_DIR=str(default_cache_dir()),  # the models this process loads too
        # The tuned model is measured, built before serving: no tuning behind the measurements.
        REPORTQA_BACKGROUND_TUNING="false",
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def vm_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg": Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else None,
    }


# --- measurements: each returns rows and may record details on the context ---


def measure_ingest(ctx: Context) -> list[Row]:
    """``reportqa ingest`` into the fresh directory: wall time and the process's peak RSS."""
    log = ctx.index_dir.parent / "ingest.log"
    started = time.perf_counter()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [REPORTQA, "ingest", "--json"], env=env_for(ctx.index_dir), stdout=sink, stderr=sink
        )
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        sys.exit(f"reportqa ingest failed ({process.returncode}):\n{log.read_text()[-3000:]}")
    manifest = json.loads((ctx.index_dir / "current" / "manifest.json").read_text())
    ctx.details["index"] = {k: manifest[k] for k in ("version", "model", "passage_count", "section_count")}
    return [
        ("ingest wall time", round(seconds, 1), "s"),
        ("ingest peak RSS", round(usage.ru_maxrss / 1024), "MiB"),  # ru_maxrss is KiB on Linux
        ("passages indexed", manifest["passage_count"], ""),
    ]


NAIVE_ENV = {
    # One question embedded per request by PyTorch, in the request's thread: no batching, no cache.
    "REPORTQA_EMBED_BACKEND": "torch",
    "REPORTQA_EMBED_BATCHING": "false",
    "REPORTQA_QUERY_CACHE_SIZE": "0",
    "REPORTQA_EMBED_THREADS": "0",
}
DENSE_ENV = {"REPORTQA_RETRIEVAL_MODE": "dense"}


def start_server(ctx: Context, extra: dict[str, str], label: str, *, workers: int = 1) -> tuple[str, float]:
    """Start ``reportqa serve`` with ``extra`` settings; its base URL and seconds to the first /readyz 200."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = ctx.index_dir.parent / f"serve-{label}.log"
    env = env_for(ctx.index_dir) | extra | {"REPORTQA_LOG_LEVEL": "warning"}
    command = [REPORTQA, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    started = time.perf_counter()
    with log.open("wb") as sink:
        server = subprocess.Popen(command, env=env, stdout=sink, stderr=sink)
    ctx.servers[label] = server
    while True:
        if server.poll() is not None:
            sys.exit(f"reportqa serve ({label}) exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        if time.perf_counter() - started > READY_TIMEOUT:
            sys.exit(f"service ({label}) not ready after {READY_TIMEOUT}s:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        time.sleep(0.02)
    return base_url, time.perf_counter() - started


def stop_server(ctx: Context, label: str) -> None:
    server = ctx.servers.pop(label)
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


class AskClient:
    """One keep-alive connection posting ``/ask``.

    The standard library's client, not httpx: the load generator shares the two cores with
    the service, and httpx's own work cost about 15% of the measured throughput here.
    """

    def __init__(self, base_url: str) -> None:
        address = urlsplit(base_url)
        self._connection = http.client.HTTPConnection(
            address.hostname or "127.0.0.1", address.port, timeout=30
        )

    def __enter__(self) -> AskClient:
        return self

    def __exit__(self, *_: object) -> None:
        self._connection.close()

    def ask(self, question: str) -> float:
        """One ``POST /ask``; its latency in ms, or raises ``OSError`` on a non-200."""
        body = json.dumps({"question": question, "top_k": 5})
        started = time.perf_counter()
        try:
            self._connection.request("POST", "/ask", body, {"Content-Type": "application/json"})
            response = self._connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            self._connection.close()  # reconnects on the next request
            raise OSError(f"/ask failed: {exc}") from exc
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise OSError(f"/ask answered {response.status}")
        return elapsed


def question_stream(ctx: Context, *, fresh: bool, offset: int = 0) -> Callable[[int], str]:
    """The i-th question: the dev questions in turn, or (``fresh``) each made unique, so no cache can help.

    A fresh question is a dev question plus a number (two or three tokens more), never seen before.
    """
    questions = ctx.questions
    base = ctx.fresh_base + offset * 100_000
    ctx.fresh_base += 1_000_000

    def nth(i: int) -> str:
        question = questions[(i + offset) % len(questions)]
        return f"{question} {base + i}" if fresh else question

    return nth


def sequential(ctx: Context, base_url: str, *, fresh: bool) -> list[float]:
    nth = question_stream(ctx, fresh=fresh)
    with AskClient(base_url) as client:
        for i in range(5):
            client.ask(f"warm-up question {i} {fresh}")
        return [client.ask(nth(i)) for i in range(ctx.args.requests)]


def load(ctx: Context, base_url: str, *, clients: int, fresh: bool, duration: float) -> dict[str, Any]:
    """``clients`` threads, each with its own connection, asking for ``duration`` seconds."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def worker(offset: int) -> None:
        nonlocal errors
        mine: list[float] = []
        failed = 0
        nth = question_stream(ctx, fresh=fresh, offset=offset)
        with AskClient(base_url) as client:
            i = 0
            while time.perf_counter() < deadline:
                try:
                    mine.append(client.ask(nth(i)))
                except OSError:
                    failed += 1
                i += 1
        with lock:
            latencies.extend(mine)
            errors += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n * 7,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return {
        "clients": clients,
        "rps": len(latencies) / seconds if latencies else 0.0,
        "errors": errors,
        "requests": len(latencies) + errors,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p95": percentile(latencies, 95) if latencies else float("nan"),
    }


def load_wrk(ctx: Context, base_url: str) -> dict[str, Any] | None:
    """The same load (8 clients, new questions) from wrk, which leaves the service more of the CPU."""
    base = ctx.fresh_base
    ctx.fresh_base += 1_000_000_000
    return wrk.run(
        base_url,
        ctx.questions,
        clients=ctx.args.clients,
        duration=ctx.args.duration,
        base=base,
        workdir=ctx.index_dir.parent,
    )


def wrk_rows(label: str, result: dict[str, Any] | None, clients: int) -> list[Row]:
    if result is None:
        return [(f"{label}throughput, {clients} clients, wrk load", "wrk not installed", "")]
    return [
        (f"{label}throughput, {clients} clients, new questions, wrk load", round(result["rps"], 1), "req/s"),
        (f"{label}errors, {clients} clients, wrk load", result["errors"], f"of {result['requests']}"),
        (f"{label}/ask p50 / p99 under wrk load", f"{result['p50']:.1f} / {result['p99']:.1f}", "ms"),
    ]


def _p50(values: list[float]) -> float:
    return round(statistics.median(values), 1)


def measure_ours(ctx: Context) -> list[Row]:
    """Our service as configured by default: cold start, sequential, 8 clients, memory."""
    base_url, cold = start_server(ctx, {}, "ours")
    ctx.base_url = base_url
    repeated = sequential(ctx, base_url, fresh=False)
    fresh = sequential(ctx, base_url, fresh=True)
    clients = ctx.args.clients
    hot = load(ctx, base_url, clients=clients, fresh=False, duration=ctx.args.duration)
    cold_load = load(ctx, base_url, clients=clients, fresh=True, duration=ctx.args.duration)
    by_wrk = load_wrk(ctx, base_url)
    rss = vm_rss_mib(ctx.servers["ours"].pid)
    ctx.details["ours"] = {
        "cold": cold,
        "seq": fresh,
        "seq_repeated": repeated,
        "load": cold_load,
        "wrk": by_wrk,
        "hot": hot,
    }
    return [
        ("cold start to /readyz 200", round(cold, 2), "s"),
        ("sequential /ask p50, new questions (cache misses)", _p50(fresh), "ms"),
        ("sequential /ask p95, new questions", round(percentile(fresh, 95), 1), "ms"),
        ("sequential /ask p50, dev questions repeated (cache hits)", _p50(repeated), "ms"),
        (f"throughput, {clients} clients, new questions", round(cold_load["rps"], 1), "req/s"),
        (f"errors, {clients} clients, new questions", cold_load["errors"], f"of {cold_load['requests']}"),
        (f"/ask p50 under load, {clients} clients, new questions", round(cold_load["p50"], 1), "ms"),
        (f"/ask p95 under load, {clients} clients, new questions", round(cold_load["p95"], 1), "ms"),
        *wrk_rows("", by_wrk, clients),
        (f"throughput, {clients} clients, dev questions repeated", round(hot["rps"], 1), "req/s"),
        (f"errors, {clients} clients, dev questions repeated", hot["errors"], f"of {hot['requests']}"),
        ("service resident memory (VmRSS) after load", round(rss), "MiB"),
    ]


def measure_concurrency(ctx: Context) -> list[Row]:
    """Latency against concurrency (new questions), for the chart in bench/README.md."""
    curve = []
    for clients in ctx.args.curve:
        result = load(ctx, ctx.base_url, clients=clients, fresh=True, duration=ctx.args.curve_duration)
        curve.append({k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()})
    ctx.details["curve"] = curve
    stop_server(ctx, "ours")
    return [
        (
            f"p50 / p95 / req/s at {point['clients']} clients",
            f"{point['p50']} / {point['p95']} / {point['rps']}",
            "ms",
        )
        for point in curve
    ]


def measure_dense_baseline(ctx: Context) -> list[Row]:
    """Issue 3: the hybrid's sequential p50 against a dense-only server, same settings otherwise, same run."""
    base_url, _ = start_server(ctx, DENSE_ENV, "dense")
    dense = sequential(ctx, base_url, fresh=True)
    stop_server(ctx, "dense")
    ours = ctx.details["ours"]["seq"]
    ratio = statistics.median(ours) / statistics.median(dense)
    return [
        ("dense-only sequential /ask p50, new questions", _p50(dense), "ms"),
        ("hybrid / dense-only sequential p50 (target <= 1.30)", round(ratio, 2), "x"),
    ]


@dataclass(frozen=True)
class Variant:
    """One server setting measured: cold start, sequential latencies, both loads and memory."""

    cold: float
    seq: list[float]
    load: dict[str, Any]
    wrk: dict[str, Any] | None
    rss: float


def run_variant(ctx: Context, extra: dict[str, str], label: str) -> Variant:
    """Start a server with ``extra`` settings and measure it as the default is measured."""
    base_url, cold = start_server(ctx, extra, label)
    seq = sequential(ctx, base_url, fresh=True)
    result = load(ctx, base_url, clients=ctx.args.clients, fresh=True, duration=ctx.args.duration)
    by_wrk = load_wrk(ctx, base_url)
    rss = vm_rss_mib(ctx.servers[label].pid)
    stop_server(ctx, label)
    return Variant(cold, seq, result, by_wrk, rss)


def measure_naive(ctx: Context) -> list[Row]:
    """The naive baseline: one question embedded per request with PyTorch, no batching, no cache."""
    naive = run_variant(ctx, NAIVE_ENV, "naive")
    clients = ctx.args.clients
    ours = ctx.details["ours"]
    seq_ratio = statistics.median(naive.seq) / statistics.median(ours["seq"])
    rows: list[Row] = [
        ("naive: cold start to /readyz 200", round(naive.cold, 2), "s"),
        ("naive: sequential /ask p50", _p50(naive.seq), "ms"),
        (f"naive: throughput, {clients} clients", round(naive.load["rps"], 1), "req/s"),
        (f"naive: errors, {clients} clients", naive.load["errors"], f"of {naive.load['requests']}"),
        (f"naive: /ask p50 under load, {clients} clients", round(naive.load["p50"], 1), "ms"),
        *wrk_rows("naive: ", naive.wrk, clients),
        ("naive: resident memory", round(naive.rss), "MiB"),
        ("ours vs naive: sequential p50 speed-up", round(seq_ratio, 2), "x"),
        (
            f"ours vs naive: throughput at {clients} clients",
            round(ours["load"]["rps"] / naive.load["rps"], 2),
            "x",
        ),
        (
            f"ours vs naive: p50 under load at {clients} clients",
            round(naive.load["p50"] / ours["load"]["p50"], 2),
            "x faster",
        ),
        ("ours vs naive: cold start", round(naive.cold / ours["cold"], 2), "x faster"),
    ]
    if naive.wrk and ours["wrk"]:
        ratio = ours["wrk"]["rps"] / naive.wrk["rps"]
        rows.append((f"ours vs naive: throughput at {clients} clients, wrk load", round(ratio, 2), "x"))
    return rows


def measure_workers(ctx: Context) -> list[Row]:
    """``serve --workers N``: throughput with 8 clients and resident memory of each worker."""
    workers = ctx.args.workers
    if workers < 2:
        return []
    base_url, cold = start_server(ctx, {}, "workers", workers=workers)
    clients = ctx.args.clients
    result = load(ctx, base_url, clients=clients, fresh=True, duration=ctx.args.duration)
    parent = ctx.servers["workers"].pid
    children = [int(p) for p in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()]
    rss = [vm_rss_mib(pid) for pid in children]
    stop_server(ctx, "workers")
    return [
        (f"--workers {workers}: cold start to /readyz 200", round(cold, 2), "s"),
        (
            f"--workers {workers}: throughput, {clients} clients, new questions",
            round(result["rps"], 1),
            "req/s",
        ),
        (f"--workers {workers}: errors", result["errors"], f"of {result['requests']}"),
        (f"--workers {workers}: resident memory per worker (max)", round(max(rss)) if rss else 0, "MiB"),
    ]


FLOAT32_ENV = {"REPORTQA_EMBED_BACKEND": "onnx"}


def measure_float32(ctx: Context) -> list[Row]:
    """The ``onnx`` setting: the same service with the float32 question embedder.

    The default embeds questions with int8 weights; this is the price of the model's
    exact vectors, measured beside it.  Retrieval quality of both is in the backend rows.
    """
    exact = run_variant(ctx, FLOAT32_ENV, "float32")
    clients = ctx.args.clients
    return [
        ("onnx float32: cold start to /readyz 200", round(exact.cold, 2), "s"),
        ("onnx float32: sequential /ask p50, new questions", _p50(exact.seq), "ms"),
        (f"onnx float32: throughput, {clients} clients, new questions", round(exact.load["rps"], 1), "req/s"),
        (f"onnx float32: errors, {clients} clients", exact.load["errors"], f"of {exact.load['requests']}"),
        *wrk_rows("onnx float32: ", exact.wrk, clients),
        ("onnx float32: service resident memory", round(exact.rss), "MiB"),
    ]


def measure_rebuild(ctx: Context) -> list[Row]:
    """Issue 4: a full build and a rebuild after a one-paragraph edit, with one loaded model."""
    from bench.rebuild import rebuild_rows
    from index.backends import load_embedder

    embedder = load_embedder(ctx.details["index"]["model"])
    embedder.embed(["warm up"])
    rows = {row["metric"]: row for row in rebuild_rows(embedder=embedder)}
    return [
        ("rebuild, full (model loaded)", rows["rebuild_full_seconds"]["value"], "s"),
        ("rebuild, one paragraph edited", rows["rebuild_one_paragraph_seconds"]["value"], "s"),
        ("one-paragraph / full rebuild (target < 0.20)", rows["rebuild_ratio"]["value"], "x"),
    ]


def measure_backends(ctx: Context) -> list[Row]:
    """PyTorch against ONNX Runtime, float32 and int8: embedding speed and dev-sample retrieval quality."""
    from bench.backends import backend_rows

    rows: list[Row] = []
    for row in backend_rows(ctx.index_dir, threads=1):
        name = row["backend"]
        rows += [
            (f"backend {name}: one question", str(row["single_ms_p50"]), "ms"),
            (f"backend {name}: batches of 32", str(row["batch32_per_s"]), "questions/s"),
            (
                f"backend {name}: dev Hit@1 / Hit@5 / MRR@10",
                f"{row['hit_at_1']:.2f} / {row['hit_at_5']:.2f} / {row['mrr_at_10']:.3f}",
                "",
            ),
        ]
    return rows


def measure_fresh(ctx: Context) -> list[Row]:
    """A new user's first run in its own empty folders (bench/fresh_start.py); first, on a quiet machine."""
    if ctx.args.no_fresh_start:
        return []
    return measure_fresh_start(ctx.index_dir.parent)


def measure_ray(ctx: Context) -> list[Row]:
    """Requests per second through Ray Serve with 1 and 2 replicas (bench/ray_bench.py); none without Ray."""
    from bench.ray_bench import measure_ray_serve

    return measure_ray_serve(ctx)


MEASUREMENTS: list[Callable[[Context], list[Row]]] = [
    measure_fresh,
    measure_ingest,
    measure_ours,
    measure_concurrency,
    measure_dense_baseline,
    measure_naive,
    measure_workers,
    measure_float32,
    measure_backends,
    measure_rebuild,
    measure_ray,
]


def load_questions() -> list[str]:
    with QUESTIONS.open(encoding="utf-8") as handle:
        return [json.loads(line)["question"] for line in handle if line.strip()]


def shown(path: Path) -> str:
    """A path as recorded in the results: relative to the repository, so no machine path is kept."""
    resolved = path.resolve()
    return str(resolved.relative_to(ROOT)) if resolved.is_relative_to(ROOT) else path.name


def table(rows: list[Row]) -> str:
    lines = ["| measurement | value | unit |", "|---|---:|---|"]
    lines += [f"| {name} | {value} | {unit} |" for name, value, unit in rows]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=float, default=20, help="Seconds of concurrent load (20).")
    parser.add_argument("--clients", type=int, default=8, help="Concurrent clients (8).")
    parser.add_argument("--requests", type=int, default=200, help="Sequential requests (200).")
    parser.add_argument("--workers", type=int, default=2, help="Workers for the --workers run (2; 1 skips).")
    parser.add_argument(
        "--curve",
        type=lambda v: [int(x) for x in v.split(",")],
        default=[1, 2, 4, 8, 16, 32],
        help="Client counts for the latency-against-concurrency curve (1,2,4,8,16,32).",
    )
    parser.add_argument("--curve-duration", type=float, default=8, help="Seconds per curve point (8).")
    parser.add_argument(
        "--no-fresh-start",
        action="store_true",
        help="Skip the fresh start (an empty model cache: it tunes, minutes).",
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"JSON results (default {RESULTS}).")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    info = machine()
    workdir = Path(tempfile.mkdtemp(prefix="reportqa-bench-"))
    ctx = Context(args=args, index_dir=workdir / "index", questions=load_questions())
    rows: list[Row] = []
    try:
        for measure in MEASUREMENTS:
            print(f"bench: {measure.__name__} ...", file=sys.stderr, flush=True)
            rows += measure(ctx)
    finally:
        for label in list(ctx.servers):
            stop_server(ctx, label)
        shutil.rmtree(workdir, ignore_errors=True)
    command = " ".join([Path(sys.executable).name, "bench/bench.py", *(argv or sys.argv[1:])])
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "machine": info,
        "options": {k: shown(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "index": ctx.details.get("index"),
        "curve": ctx.details.get("curve"),
        "rows": [{"name": n, "value": v, "unit": u} for n, v, u in rows],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"reportqa bench, {info['cpus']} CPUs ({info['cpu_model']}), Python {info['python']}, "
        f"load average at start {' '.join(info['loadavg'] or [])}"
    )
    print(f"index {result['index']}\n")
    print(table(rows))
    print(f"\nJSON: {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
