"""Requests per second through Ray Serve with 1 and 2 replicas, on a two-node Ray cluster on this machine.

    .venv/bin/python bench/ray_bench.py                  # builds an index, then measures
    .venv/bin/python bench/ray_bench.py --index-dir data/index --duration 20 --clients 8
    .venv/bin/python bench/ray_bench.py --ingest         # also: ingest time, local against --ray

Starts a Ray cluster of two nodes with one CPU each (``ray.cluster_utils``), serves the index with
``reportqa serve --ray ADDRESS --replicas N`` for N = 1 and 2, and loads it as ``bench/bench.py``
loads the single process: 8 keep-alive clients asking new questions (each a dev question with a
number never asked before, so no cache helps) for ``--duration`` seconds.  The single process
(``reportqa serve``, no Ray) is measured in the same run, under the same load.

Honestly: this machine has 2 cores.  Two replicas share them with each other, with Ray's own
processes (the head, Serve's controller and HTTP proxy) and with the load generator, so a second
replica adds no CPU; what it measures is Serve's overhead and that the rollout code scales, not a
speed-up.  On a real cluster each replica has its own node's cores.

``bench/bench.py`` runs this through ``measure_ray`` (one row group) when Ray is installed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench import Context, Row, env_for, free_port, load, load_questions, table
from index.model_cache import default_cache_dir, model_home

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 240
NOTE = (
    "2 replicas share this machine's 2 cores with each other, Ray's head, Serve's proxy and the "
    "load generator: the second replica adds no CPU here"
)


def has_ray() -> bool:
    return importlib.util.find_spec("ray") is not None and importlib.util.find_spec("ray.serve") is not None


def cli(*args: str) -> list[str]:
    """This checkout's ``reportqa`` (``python -m service.cli``), whatever is installed."""
    return [sys.executable, "-m", "service.cli", *args]


def code_env(env: dict[str, str]) -> dict[str, str]:
    return env | {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))}


@contextmanager
def two_node_cluster() -> Iterator[str]:
    """A head and a second node, one CPU each, on this machine; yields the head's address."""
    from ray.cluster_utils import Cluster

    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = code_env(dict(os.environ))["PYTHONPATH"]  # the nodes' workers import us
    try:
        cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
        cluster.add_node(num_cpus=1)
        cluster.wait_for_nodes()
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved
    try:
        yield cluster.address
    finally:
        cluster.shutdown()


@contextmanager
def serving(index_dir: Path, args: list[str], log: Path) -> Iterator[tuple[str, float]]:
    """``reportqa serve ARGS`` on a free port; yields its URL and seconds to the first ``/readyz`` 200."""
    port = free_port()
    env = code_env(env_for(index_dir)) | {"REPORTQA_LOG_LEVEL": "warning"}
    started = time.perf_counter()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            cli("serve", "--host", "127.0.0.1", "--port", str(port), *args),
            env=env,
            stdout=sink,
            stderr=sink,
            cwd=ROOT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if process.poll() is not None:
                sys.exit(f"reportqa serve {' '.join(args)} exited:\n{log.read_text()[-3000:]}")
            if time.perf_counter() - started > READY_TIMEOUT:
                sys.exit(f"reportqa serve {' '.join(args)} not ready:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield url, time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGTERM)  # serve --ray removes its app from the cluster on SIGTERM
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure_load(ctx: Context, url: str) -> dict[str, Any]:
    """A few seconds of warm-up (every replica's batcher and caches), then the measured load."""
    load(ctx, url, clients=ctx.args.clients, fresh=True, duration=3)
    return load(ctx, url, clients=ctx.args.clients, fresh=True, duration=ctx.args.duration)


def load_rows(label: str, result: dict[str, Any], clients: int) -> list[Row]:
    return [
        (f"{label}: throughput, {clients} clients, new questions", round(result["rps"], 1), "req/s"),
        (f"{label}: p50 / p95 latency", f"{result['p50']:.0f} / {result['p95']:.0f}", "ms"),
        (f"{label}: errors", result["errors"], f"of {result['requests']}"),
    ]


def measure_ray_serve(ctx: Context, *, single: bool = False) -> list[Row]:
    """Ray Serve with 1 and 2 replicas (with ``single``, also ``reportqa serve`` alone) on the index."""
    if not has_ray():
        print("bench: Ray is not installed (pip install -e '.[ray]'); its rows are skipped", file=sys.stderr)
        return []
    clients = ctx.args.clients
    rows: list[Row] = []
    logs = ctx.index_dir.parent
    if single:
        with serving(ctx.index_dir, [], logs / "serve-single.log") as (url, _):
            rows += load_rows("single process, no Ray", measure_load(ctx, url), clients)
    with two_node_cluster() as address:
        for replicas in (1, 2):
            args = ["--ray", address, "--replicas", str(replicas)]
            with serving(ctx.index_dir, args, logs / f"serve-ray-{replicas}.log") as (url, ready):
                label = f"Ray Serve, {replicas} replica{'s' if replicas > 1 else ''}"
                rows.append((f"{label}: start to /readyz 200", round(ready, 1), "s"))
                rows += load_rows(label, measure_load(ctx, url), clients)
    rows.append(("Ray Serve, 2 replicas: cores", "2 shared", NOTE))
    return rows


def timed(command: list[str], env: dict[str, str], log: Path) -> tuple[float, int]:
    """Run ``command``; its wall seconds and peak RSS in MiB (of the process and its children)."""
    started = time.perf_counter()
    with log.open("wb") as sink:
        process = subprocess.Popen(command, env=env, stdout=sink, stderr=sink, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command[2:])} failed:\n{log.read_text()[-3000:]}")
    return time.perf_counter() - started, round(usage.ru_maxrss / 1024)


def cold_cache(workdir: Path, model: str) -> Path:
    """A model cache with ``model``'s weights and ONNX export but no embeddings, so a build embeds all."""
    cache = workdir / f"cache-{time.monotonic_ns()}"
    home = model_home(cache, model)
    home.mkdir(parents=True)
    for part in ("weights", "onnx"):
        if (model_home(default_cache_dir(), model) / part).is_dir():
            (home / part).symlink_to(model_home(default_cache_dir(), model) / part)
    return cache


def measure_ingest(ctx: Context) -> list[Row]:
    """Ingest of the report with every text embedded anew: in this process, then with --ray on the cluster."""
    workdir = ctx.index_dir.parent
    model = json.loads((ctx.index_dir / "current" / "manifest.json").read_text(encoding="utf-8"))["model"]
    rows: list[Row] = []
    local_env = code_env(env_for(workdir / "local-index")) | {
        "REPORTQA_CACHE_DIR": str(cold_cache(workdir, model))
    }
    seconds, rss = timed(cli("ingest", "--json"), local_env, workdir / "ingest-local.log")
    rows.append(("ingest, every text embedded, local", round(seconds, 1), f"s, peak {rss} MiB"))
    with two_node_cluster() as address:
        ray_env = code_env(env_for(workdir / "ray-index")) | {
            "REPORTQA_CACHE_DIR": str(cold_cache(workdir, model))
        }
        seconds, rss = timed(cli("ingest", "--json", "--ray", address), ray_env, workdir / "ingest-ray.log")
    rows.append(
        (
            "ingest, every text embedded, --ray (2 nodes x 1 CPU)",
            round(seconds, 1),
            f"s, driver peak {rss} MiB",
        )
    )
    return rows


def build_index(index_dir: Path) -> None:
    env = code_env(env_for(index_dir))
    seconds, _ = timed(cli("ingest", "--json"), env, index_dir.parent / "ingest.log")
    print(f"bench: built {index_dir} in {seconds:.0f}s", file=sys.stderr)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--index-dir", type=Path, help="Serve this index (default: build one in a temp dir).")
    parser.add_argument("--duration", type=float, default=20, help="Seconds of measured load (20).")
    parser.add_argument("--clients", type=int, default=8, help="Concurrent clients (8).")
    parser.add_argument("--ingest", action="store_true", help="Also time ingest, local against --ray.")
    parser.add_argument("--no-single", action="store_true", help="Skip the single process (no Ray).")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if not has_ray():
        sys.exit("bench/ray_bench.py needs Ray: pip install -e '.[ray]'")
    workdir = Path(tempfile.mkdtemp(prefix="reportqa-ray-bench-"))
    try:
        if args.index_dir is None:
            index_dir = workdir / "index"
            build_index(index_dir)
        else:
            index_dir = workdir / "index"
            shutil.copytree(args.index_dir, index_dir, symlinks=True)  # ingest --ingest builds beside it
        ctx = Context(args=args, index_dir=index_dir, questions=load_questions())
        rows = measure_ray_serve(ctx, single=not args.no_single)
        if args.ingest:
            rows += measure_ingest(ctx)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    load_avg = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"reportqa Ray bench: {os.cpu_count()} CPUs, load average at the end {load_avg}; {NOTE}.\n")
    print(table(rows))


if __name__ == "__main__":
    main()
