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

import httpx

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
    server: subprocess.Popen[bytes] | None = None
    details: dict[str, Any] = field(default_factory=dict)


def env_for(index_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTQA_")}
    env.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        REPORTQA_INDEX_DIR=str(index_dir),
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


def measure_cold_start(ctx: Context) -> list[Row]:
    """Process start to the first ``/readyz`` 200 (imports, index load, model load)."""
    port = ctx.args.port or free_port()
    ctx.base_url = f"http://127.0.0.1:{port}"
    log = ctx.index_dir.parent / "serve.log"
    started = time.perf_counter()
    with log.open("wb") as sink:
        ctx.server = subprocess.Popen(
            [REPORTQA, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env_for(ctx.index_dir),
            stdout=sink,
            stderr=sink,
        )
    while True:
        if ctx.server.poll() is not None:
            sys.exit(f"reportqa serve exited ({ctx.server.returncode}):\n{log.read_text()[-3000:]}")
        if time.perf_counter() - started > READY_TIMEOUT:
            sys.exit(f"service not ready after {READY_TIMEOUT}s:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{ctx.base_url}/readyz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    return [("cold start to /readyz 200", round(time.perf_counter() - started, 2), "s")]


def _ask(client: httpx.Client, question: str) -> float:
    """One ``POST /ask``; its latency in ms, or raises on a non-200."""
    started = time.perf_counter()
    response = client.post("/ask", json={"question": question, "top_k": 5})
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return elapsed


def measure_sequential(ctx: Context) -> list[Row]:
    """``--requests`` sequential ``POST /ask`` over the dev questions, repeated, after a warm-up."""
    with httpx.Client(base_url=ctx.base_url, timeout=30) as client:
        for question in ctx.questions[:5]:
            _ask(client, question)
        latencies = [_ask(client, ctx.questions[i % len(ctx.questions)]) for i in range(ctx.args.requests)]
    ctx.details["sequential_ms"] = latencies
    return [
        ("sequential /ask p50", round(statistics.median(latencies), 1), "ms"),
        ("sequential /ask p95", round(percentile(latencies, 95), 1), "ms"),
        ("sequential /ask mean", round(statistics.fmean(latencies), 1), "ms"),
    ]


def measure_throughput(ctx: Context) -> list[Row]:
    """``--clients`` threads, each with its own connection, asking for ``--duration`` seconds."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + ctx.args.duration

    def worker(offset: int) -> None:
        nonlocal errors
        mine: list[float] = []
        failed = 0
        with httpx.Client(base_url=ctx.base_url, timeout=30) as client:
            i = offset
            while time.perf_counter() < deadline:
                try:
                    mine.append(_ask(client, ctx.questions[i % len(ctx.questions)]))
                except httpx.HTTPError:
                    failed += 1
                i += 1
        with lock:
            latencies.extend(mine)
            errors += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n * 7,)) for n in range(ctx.args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    clients = ctx.args.clients
    if not latencies:
        return [(f"throughput, {clients} clients", 0, "req/s"), (f"errors, {clients} clients", errors, "")]
    return [
        (f"throughput, {clients} clients", round(len(latencies) / seconds, 1), "req/s"),
        (f"errors, {clients} clients", errors, f"of {len(latencies) + errors}"),
        (f"/ask p50 under load ({clients} clients)", round(statistics.median(latencies), 1), "ms"),
        (f"/ask p95 under load ({clients} clients)", round(percentile(latencies, 95), 1), "ms"),
    ]


def measure_memory(ctx: Context) -> list[Row]:
    """Resident memory of the service process after the load."""
    assert ctx.server is not None
    return [("service resident memory (VmRSS)", round(vm_rss_mib(ctx.server.pid)), "MiB")]


MEASUREMENTS: list[Callable[[Context], list[Row]]] = [
    measure_ingest,
    measure_cold_start,
    measure_sequential,
    measure_throughput,
    measure_memory,
]


def load_questions() -> list[str]:
    with QUESTIONS.open(encoding="utf-8") as handle:
        return [json.loads(line)["question"] for line in handle if line.strip()]


def table(rows: list[Row]) -> str:
    lines = ["| measurement | value | unit |", "|---|---:|---|"]
    lines += [f"| {name} | {value} | {unit} |" for name, value, unit in rows]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=float, default=20, help="Seconds of concurrent load (20).")
    parser.add_argument("--clients", type=int, default=8, help="Concurrent clients (8).")
    parser.add_argument("--requests", type=int, default=200, help="Sequential requests (200).")
    parser.add_argument("--port", type=int, default=0, help="Service port (default: a free one).")
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
        if ctx.server is not None and ctx.server.poll() is None:
            ctx.server.terminate()
            try:
                ctx.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                ctx.server.kill()
        shutil.rmtree(workdir, ignore_errors=True)
    command = " ".join([Path(sys.executable).name, "bench/bench.py", *(argv or sys.argv[1:])])
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "machine": info,
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "index": ctx.details.get("index"),
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
