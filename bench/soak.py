"""Soak: N clients for a long while, a reindex in the middle, resident memory sampled throughout.

    .venv/bin/python bench/soak.py [--minutes 10] [--clients 8] [--output bench/SOAK.md]

Builds an index in a temp dir, starts ``reportqa serve`` on it, and runs
``--clients`` threads asking new questions (half of them unique, half the dev
questions repeated) for ``--minutes``.  Halfway, it runs ``reportqa ingest`` on an
edited copy of the report into the same index dir; the service swaps the new
version in on its own.  Pass: zero failed requests, and resident memory at the
end under 5% above what it was after the first minute (the warm-up).  Writes a
Markdown report.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench import REPORTQA, env_for, free_port, load_questions, machine, vm_rss_mib
from bench.rebuild import DEFAULT_SOURCE, edit_one_paragraph

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "SOAK.md")
    args = parser.parse_args()
    info = machine()
    work = Path(tempfile.mkdtemp(prefix="reportqa-soak-"))
    index_dir = work / "index"
    source = work / "sources" / DEFAULT_SOURCE.name
    source.parent.mkdir()
    shutil.copy(DEFAULT_SOURCE, source)
    env = env_for(index_dir) | {"REPORTQA_SOURCES": str(source), "REPORTQA_LOG_LEVEL": "warning"}
    subprocess.run([REPORTQA, "ingest"], env=env, check=True, capture_output=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (work / "serve.log").open("wb")
    server = subprocess.Popen(
        [REPORTQA, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    questions = load_questions()
    statuses: Counter[str] = Counter()
    versions: Counter[str] = Counter()
    lock = threading.Lock()
    samples: list[tuple[float, float]] = []
    reindex: dict[str, object] = {}
    try:
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        began = time.perf_counter()
        deadline = began + args.minutes * 60

        def client(number: int) -> None:
            mine: Counter[str] = Counter()
            seen: Counter[str] = Counter()
            with httpx.Client(base_url=base, timeout=30) as http:
                i = 0
                while time.perf_counter() < deadline:
                    question = questions[(i + number * 7) % len(questions)]
                    if i % 2:
                        question = f"{question} ({number}-{i})"
                    try:
                        response = http.post("/ask", json={"question": question, "top_k": 5})
                        mine[str(response.status_code)] += 1
                        seen[response.headers.get("x-reportqa-index-version", "?")] += 1
                    except httpx.HTTPError as exc:
                        mine[type(exc).__name__] += 1
                    i += 1
            with lock:
                statuses.update(mine)
                versions.update(seen)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for thread in threads:
            thread.start()
        halfway = began + args.minutes * 30
        while time.perf_counter() < deadline:
            now = time.perf_counter()
            samples.append((now - began, vm_rss_mib(server.pid)))
            if not reindex and now >= halfway:
                edit_one_paragraph(source)
                started = time.perf_counter()
                done = subprocess.run([REPORTQA, "ingest"], env=env, capture_output=True)
                reindex = {
                    "at_s": round(started - began),
                    "seconds": round(time.perf_counter() - started, 1),
                    "exit": done.returncode,
                }
            time.sleep(5)
        for thread in threads:
            thread.join()
        samples.append((time.perf_counter() - began, vm_rss_mib(server.pid)))
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    warm = next((rss for at, rss in samples if at >= 60), samples[0][1])
    end = samples[-1][1]
    growth = (end - warm) / warm * 100
    total = sum(statuses.values())
    failed = total - statuses.get("200", 0)
    ok = failed == 0 and growth < 5 and reindex.get("exit") == 0 and len(versions) >= 2
    lines = [
        "# Soak run",
        "",
        f"{'PASS' if ok else 'FAIL'}: {args.clients} clients for {args.minutes:g} minutes, a reindex at "
        f"{reindex.get('at_s')} s (took {reindex.get('seconds')} s, exit {reindex.get('exit')}).",
        "",
        f"- when: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"- machine: {info['cpus']} CPUs ({info['cpu_model']}), Python {info['python']}, "
        f"load average at start {' '.join(info['loadavg'] or [])} (shared with other work)",
        f"- command: `.venv/bin/python bench/soak.py --minutes {args.minutes:g} --clients {args.clients}`",
        f"- requests: {total}, {total / (samples[-1][0] or 1):.1f} req/s; by status: {dict(statuses)}",
        f"- failed requests: {failed}",
        f"- index versions answered from: {dict(versions)}",
        f"- resident memory: {warm:.0f} MiB after the first minute, {end:.0f} MiB at the end "
        f"({growth:+.2f}%; target under +5%), peak {max(r for _, r in samples):.0f} MiB",
        "",
        "| seconds | RSS MiB |",
        "|---:|---:|",
        *[f"| {at:.0f} | {rss:.0f} |" for at, rss in samples[:: max(1, len(samples) // 20)]],
    ]
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
