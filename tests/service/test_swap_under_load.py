"""A reindex while 8 clients ask questions, against a real server on a real socket.

Zero requests may fail, and every response must come wholly from one version:
its header and body name the same version, and every passage it cites is a
passage of that version.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import free_port
from fakes import HashingEmbedder

from index.store import list_versions, read_passages
from ingest.pipeline import build_index

REPORT = Path(__file__).resolve().parents[2] / "corpus" / "high-level-dialogue-2006.txt"
TOKEN = "load-test-token"
CLIENTS = 8
QUESTIONS = ["How do remittances help development?", "return migration", "trafficking in persons"]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    source = tmp_path / "sources" / "report.txt"
    source.parent.mkdir()
    shutil.copy(REPORT, source)
    root = tmp_path / "index"
    build_index([source], root, embedder=HashingEmbedder(64), progress=False)
    port = free_port()
    env = {
        **os.environ,
        "REPORTQA_INDEX_DIR": str(root),
        "REPORTQA_SOURCES": str(source),
        "REPORTQA_MODEL": "hashing-64",
        "REPORTQA_ADMIN_TOKEN": TOKEN,
        "REPORTQA_RELOAD_INTERVAL": "0.2",
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "service.app:create_app", "--port", str(port)]
    # The log goes to a file: a pipe nobody reads fills up and blocks the server mid-test.
    log = tmp_path / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=sink)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)
        yield base, root, source
    finally:
        process.terminate()
        process.wait(10)


def test_reindex_under_load_fails_no_request_and_mixes_no_versions(server: tuple[str, Path, Path]) -> None:
    base, root, source = server
    stop = threading.Event()
    failures: list[str] = []
    seen: list[tuple[str, str, list[str]]] = []

    def client(number: int) -> None:
        with httpx.Client(base_url=base, timeout=10) as http:
            i = number
            while not stop.is_set():
                question = QUESTIONS[i % len(QUESTIONS)]
                i += 1
                try:
                    response = http.post("/ask", json={"question": question, "top_k": 5})
                except httpx.HTTPError as exc:
                    failures.append(repr(exc))
                    continue
                if response.status_code != 200:
                    failures.append(f"{response.status_code} {response.text}")
                    continue
                body = response.json()
                ids = [p["id"] for p in body["passages"]]
                seen.append((response.headers["X-Reportqa-Index-Version"], body["index"]["version"], ids))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        started = time.monotonic()
        while len(seen) < 20:  # answers from the first version before the edit (slow on a busy machine)
            assert time.monotonic() - started < 60
            time.sleep(0.05)
        first = {version for _, version, _ in seen}
        source.write_text(source.read_text(encoding="utf-8").replace("232 billion", "250 billion"))
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert httpx.post(f"{base}/admin/reindex", headers=auth).status_code == 202
        deadline = time.monotonic() + 60
        while (status := httpx.get(f"{base}/admin/status", headers=auth).json())["running"]:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert status["last_error"] is None
        new_version = status["last_build"]["version"]
        time.sleep(0.5)  # keep asking on the new version for a while
    finally:
        stop.set()
        for thread in threads:
            thread.join()

    assert failures == []
    assert len(seen) > 50
    passages = {path.name: {p.id for p in read_passages(path)} for path in list_versions(root)}
    versions = {body for _, body, _ in seen}
    assert versions == first | {new_version} and len(versions) == 2
    for header, body, ids in seen:
        assert header == body
        assert set(ids) <= passages[body]
    assert seen[-1][1] == new_version
