"""A new user's first run, timed: from the start of the build to the first answer, then to the tuned model.

    .venv/bin/python bench/fresh_start.py          # also the first row group of `make bench`

Everything a fresh clone has after set-up, and nothing more: an empty index directory and
an empty model cache in a temporary folder.  It runs what ``make run`` runs
(``reportqa ingest``, then ``reportqa serve``) while a client asks a question after
another from the start.  Before the service is up a refused connection is expected; after
its first answer, every request must succeed, through the background tuning and the swap
to the tuned model.  Prints the rows and returns them to ``bench/bench.py``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPORTQA = str(Path(sys.executable).with_name("reportqa"))
QUESTION = "How do remittances help development?"
TUNED_TIMEOUT = 1800.0
PACE = 0.1
"""Seconds between the client's questions: a steady user; a flood would starve the niced tuning."""

Row = tuple[str, float | int | str, str]


@dataclass
class Asker:
    """Asks one question after another; counts answers and failures once the service has answered."""

    url: str
    began: float
    first_answer: float | None = None
    answered: int = 0
    failed: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with httpx.Client(timeout=30) as http:
            while not self.stop.is_set():
                try:
                    response = http.post(f"{self.url}/ask", json={"question": QUESTION})
                except httpx.TransportError as exc:
                    if self.first_answer is not None:
                        self.failed.append(repr(exc))
                    time.sleep(0.1)
                    continue
                if response.status_code == 200:
                    if self.first_answer is None:
                        self.first_answer = time.perf_counter() - self.began
                    self.answered += 1
                    kind = response.json()["index"]["model_kind"]
                    if not self.kinds or self.kinds[-1] != kind:
                        self.kinds.append(kind)
                    time.sleep(PACE)
                elif self.first_answer is not None:
                    self.failed.append(f"{response.status_code}: {response.text[:200]}")
                else:
                    time.sleep(0.1)  # 503 before the first index is loaded


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def measure_fresh_start(workdir: Path | None = None) -> list[Row]:
    """The rows: seconds to the first answer and to the tuned model, and requests failed between."""
    folder = Path(tempfile.mkdtemp(prefix="reportqa-fresh-", dir=workdir))
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTQA_")}
    env.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        REPORTQA_INDEX_DIR=str(folder / "index"),
        REPORTQA_CACHE_DIR=str(folder / "cache"),
        REPORTQA_LOG_LEVEL="warning",
    )
    port = free_port()
    asker = Asker(f"http://127.0.0.1:{port}", time.perf_counter())
    client = threading.Thread(target=asker.run, daemon=True)
    client.start()
    server: subprocess.Popen[bytes] | None = None
    log = folder / "run.log"
    try:
        with log.open("wb") as sink:
            subprocess.run([REPORTQA, "ingest"], env=env, stdout=sink, stderr=sink, check=True)
            built = time.perf_counter() - asker.began
            server = subprocess.Popen(
                [REPORTQA, "serve", "--port", str(port)], env=env, stdout=sink, stderr=sink
            )
        tuned = None
        while time.perf_counter() - asker.began < TUNED_TIMEOUT:
            if server.poll() is not None:
                raise RuntimeError(f"reportqa serve exited:\n{log.read_text()[-3000:]}")
            if asker.kinds and asker.kinds[-1] == "tuned":
                tuned = time.perf_counter() - asker.began
                break
            time.sleep(0.2)
        time.sleep(2.0)  # a little more load after the swap
    finally:
        asker.stop.set()
        client.join(30)
        if server is not None:
            server.terminate()
            server.wait(30)
        tuning_log = folder / "index" / "tuning.log"
        lines = len(tuning_log.read_text().splitlines()) if tuning_log.exists() else 0
        carriage_returns = log.read_bytes().count(b"\r") + (
            tuning_log.read_bytes().count(b"\r") if tuning_log.exists() else 0
        )
        shutil.rmtree(folder, ignore_errors=True)
    return [
        ("fresh start: build (base model) written", round(built, 1), "s"),
        ("fresh start: build start to first answer", round(asker.first_answer or -1, 1), "s"),
        ("fresh start: build start to tuned model serving", round(tuned, 1) if tuned else "timeout", "s"),
        ("fresh start: questions answered meanwhile", asker.answered, ""),
        ("fresh start: failed requests after the first answer", len(asker.failed), ""),
        ("fresh start: tuning log lines / carriage returns", f"{lines} / {carriage_returns}", ""),
    ]


def main() -> None:
    rows = measure_fresh_start()
    width = max(len(name) for name, _, _ in rows)
    for name, value, unit in rows:
        print(f"{name:<{width}}  {value} {unit}".rstrip())


if __name__ == "__main__":
    main()
