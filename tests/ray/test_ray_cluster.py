"""Ray on a real multi-node cluster on this machine: ingest --ray, and serve --ray with two replicas.

One cluster for the module: a head and a second node, one CPU each (``ray.cluster_utils``,
two raylets).  The real report and model; the session's ``real_build`` is the local build.

a. ``reportqa ingest --ray`` with an empty embedding cache embeds everything on the cluster's
   two workers and writes the version a local build wrote: passages, ids, sections, texts and
   sources byte for byte, vectors within float error.  With the hashing test embedder, five
   documents in four formats and a file to skip come out in order and every byte the same.
b. ``reportqa serve --ray --replicas 2`` answers every dev question with the passages, in the
   order, and the answer, of ``reportqa serve`` over the same index.
c. A build into the served index directory while clients ask: every request succeeds, each
   client sees the old version then the new and never back, no request that began after a
   response named the new version gets the old one, and both replicas end on the new one.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import pytest
from conftest import USER_CACHE, RealBuild, free_port

from index.evaluation import load_questions
from index.model_cache import model_home

Cluster = pytest.importorskip(
    "ray.cluster_utils", reason="Ray is the optional extra: pip install -e '.[ray]'"
).Cluster

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
DEV = TESTS / "data" / "dev.jsonl"
CODE_PATH = os.pathsep.join([str(ROOT), str(TESTS)])
"""This checkout's code, and the test embedder plugin (``tests/fakes.py``), for every process."""
READY_TIMEOUT = 180
CLI_TIMEOUT = 600
REPLICA_HEADER = "x-reportqa-replica"


def env_for(index_dir: Path, cache: Path = USER_CACHE, *, reload_interval: float = 0.5) -> dict[str, str]:
    """A user's shell: no stray REPORTQA_*, offline, this index and model cache, this checkout's code."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("REPORTQA_")}
    env.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        REPORTQA_INDEX_DIR=str(index_dir),
        REPORTQA_CACHE_DIR=str(cache),
        REPORTQA_BACKGROUND_TUNING="false",
        REPORTQA_RELOAD_INTERVAL=str(reload_interval),
        PYTHONPATH=CODE_PATH,
    )
    return env


def reportqa(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A head and one more node, one CPU each; yields the head's address."""
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [CODE_PATH, saved]))  # the nodes' workers
    try:
        made = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
        made.add_node(num_cpus=1)
        made.wait_for_nodes()
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH")
        else:
            os.environ["PYTHONPATH"] = saved
    try:
        yield made.address
    finally:
        made.shutdown()


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # serve --ray removes its app on SIGTERM
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start(args: list[str], env: dict[str, str], log: Path) -> Server:
    """``reportqa serve ARGS`` on a free port, once ``/readyz`` answers 200."""
    port = free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(port), *args],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}:\n{server.output()}")
        try:
            if httpx.get(f"{server.url}/readyz", timeout=5).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    server.stop()
    pytest.fail(f"serve not ready after {READY_TIMEOUT}s:\n{server.output()}")


@pytest.fixture(scope="module")
def served_dir(real_build: RealBuild, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the real build, the Ray service's own: test c builds into it."""
    copy = tmp_path_factory.mktemp("ray-served") / "index"
    shutil.copytree(real_build.root, copy, symlinks=True)
    return copy


@pytest.fixture(scope="module")
def ray_server(cluster: str, served_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``reportqa serve --ray <cluster> --replicas 2`` over the copy.

    Its replicas poll the ``current`` pointer only every 600 s, longer than this module runs: what
    rolls a new version out there is the check each replica makes before a request, the one
    that keeps versions from going back across replicas (``service/ray_serve.py``).
    """
    log = tmp_path_factory.mktemp("ray-logs") / "serve-ray.log"
    server = start(["--ray", cluster, "--replicas", "2"], env_for(served_dir, reload_interval=600), log)
    yield server
    server.stop()
    assert server.process.returncode == 0, server.output()


def manifest(version: Path) -> dict[str, object]:
    return dict(json.loads((version / "manifest.json").read_text(encoding="utf-8")))


def stored_files(version: Path) -> dict[str, Path]:
    return {str(path.relative_to(version)): path for path in sorted(version.rglob("*")) if path.is_file()}


def fresh_cache(tmp: Path, model: str) -> Path:
    """A model cache holding the build's model (weights, ONNX export) and no embeddings: all are made anew."""
    cache = tmp / "model-cache"
    home = model_home(cache, model)
    home.mkdir(parents=True)
    for part in ("weights", "onnx"):
        source = model_home(USER_CACHE, model) / part
        if source.is_dir():
            (home / part).symlink_to(source)
    return cache


BM25_ARRAYS = ("vocab.index.json", "data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy")
"""A stored BM25 index (``lexical/<kind>/``): its vocabulary's order, and so these arrays' bytes, differ
between two local builds of the same sources (Python's string hashing), so they are compared by content."""


def bm25_files(names: set[str]) -> set[str]:
    return {name for name in names if name.startswith("lexical/") and name.rsplit("/", 1)[-1] in BM25_ARRAYS}


def postings(folder: Path) -> dict[str, list[tuple[int, float]]]:
    """Each term of a stored BM25 index with its (document, score) pairs: what ranking reads."""
    vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
    data, indices, indptr = (
        np.load(folder / f"{part}.csc.index.npy") for part in ("data", "indices", "indptr")
    )
    term = {int(column): token for token, column in vocab.items()}
    return {
        term.get(column, f"#{column}"): sorted(
            zip(
                indices[indptr[column] : indptr[column + 1]].tolist(),
                data[indptr[column] : indptr[column + 1]].round(5).tolist(),
                strict=True,
            )
        )
        for column in range(len(indptr) - 1)
    }


def same_files(mine: dict[str, Path], theirs: dict[str, Path], *, numeric: set[str]) -> None:
    """Every stored file the same: bytes, BM25 indexes by content, ``numeric`` ones within float error."""
    assert sorted(mine) == sorted(theirs)
    assert "passages.jsonl" in mine
    lexical = bm25_files(set(mine))
    for name in sorted(set(mine) - numeric - lexical - {"manifest.json"}):  # passages, ids, sections, texts
        assert mine[name].read_bytes() == theirs[name].read_bytes(), name
    for folder in sorted({name.rsplit("/", 1)[0] for name in lexical}):
        assert postings(mine[f"{folder}/vocab.index.json"].parent) == postings(
            theirs[f"{folder}/vocab.index.json"].parent
        ), folder
    for name in sorted(numeric - lexical):
        close_enough(name, mine[name], theirs[name])


def same_manifest(mine: dict[str, object], theirs: dict[str, object], *, unhashed: set[str]) -> None:
    """The manifests alike but for when the version was built and the hashes of ``unhashed`` files."""
    for made in (mine, theirs):
        made.pop("version"), made.pop("built_at")
        if isinstance(made.get("files"), dict):
            made["files"] = {name: digest for name, digest in made["files"].items() if name not in unhashed}
    assert mine == theirs


def test_a_distributed_ingest_equals_a_local_one(cluster: str, real_build: RealBuild, tmp_path: Path) -> None:
    local = (real_build.root / "current").resolve()
    model = str(manifest(local)["model"])
    built = tmp_path / "ray-index"
    result = reportqa("ingest", "--ray", cluster, "--json", env=env_for(built, fresh_cache(tmp_path, model)))
    assert result.returncode == 0, result.stderr[-4000:]
    # Everything was embedded, and on the cluster's two workers, none here.
    assert json.loads(result.stdout)["embedded"] > real_build.report["passage_count"]
    assert "with 2 worker(s)" in result.stderr, result.stderr[-4000:]
    assert "locally" not in result.stderr
    distributed = (built / "current").resolve()

    ours, local_files = stored_files(distributed), stored_files(local)
    numeric = {name for name in ours if name.endswith((".npy", ".faiss"))}
    same_files(ours, local_files, numeric=numeric)
    same_manifest(manifest(distributed), manifest(local), unhashed=numeric | bm25_files(set(ours)))


def test_a_distributed_ingest_of_many_files_keeps_their_order_and_skips_as_a_local_one(
    cluster: str, tmp_path: Path
) -> None:
    """Five documents in four formats and an empty file, with the hashing plugin: every byte the same."""
    folder = tmp_path / "sources"
    folder.mkdir()
    for path in [
        ROOT / "corpus" / "high-level-dialogue-2006.txt",
        *sorted((ROOT / "corpus" / "fitting" / "docs").iterdir()),
    ]:
        shutil.copy(path, folder / path.name)
    (folder / "empty.txt").write_text("", encoding="utf-8")
    plugin = {"REPORTQA_EMBEDDER_PLUGIN": "fakes:embedder_plugin"}
    common = ("ingest", "--model", "hashing-64", "--no-tune", "--json", str(folder))
    builds = {}
    for label, extra in (("local", ()), ("ray", ("--ray", cluster))):
        result = reportqa(*common, *extra, env=env_for(tmp_path / label, tmp_path / "cache" / label) | plugin)
        assert result.returncode == 0, result.stderr[-4000:]
        builds[label] = json.loads(result.stdout)
    local, ray = builds["local"], builds["ray"]
    assert len(ray["documents"]) == 5
    for key in ("documents", "passage_count", "section_count", "warnings", "embedded"):
        assert ray[key] == local[key], key
    assert len(ray["warnings"]) == 1 and "empty.txt" in ray["warnings"][0]
    ours, theirs = stored_files(Path(ray["path"])), stored_files(Path(local["path"]))
    same_files(ours, theirs, numeric=set())  # the hashing model's vectors are exact: bytes
    same_manifest(manifest(Path(ray["path"])), manifest(Path(local["path"])), unhashed=bm25_files(set(ours)))


def close_enough(name: str, mine: Path, theirs: Path) -> None:
    """Vectors within float error of the local build's; quantised codes the same but for a rare rounding."""
    if name.endswith(".faiss"):
        import faiss

        a, b = faiss.read_index(str(mine)), faiss.read_index(str(theirs))
        assert a.ntotal == b.ntotal, name
        # 8-bit codes too: a float-error difference may cross a boundary, one step (about 1e-3) off.
        off = np.abs(a.reconstruct_n(0, a.ntotal) - b.reconstruct_n(0, b.ntotal))
        assert np.mean(off > 1e-4) < 1e-3 and off.max() < 5e-3, name
        return
    a, b = np.load(mine), np.load(theirs)
    assert a.shape == b.shape and a.dtype == b.dtype, name
    if np.issubdtype(a.dtype, np.integer) and "offsets" in name:
        assert np.array_equal(a, b), name
    elif a.dtype == np.uint8:  # codes: a float-error difference may cross a quantisation boundary
        assert np.mean(a != b) < 1e-3, name
    else:
        np.testing.assert_allclose(a.astype(np.float64), b.astype(np.float64), atol=1e-3, err_msg=name)


def ask(client: httpx.Client, url: str, question: str) -> httpx.Response:
    return client.post(f"{url}/ask", json={"question": question, "top_k": 5})


def test_b_answers_through_ray_serve_equal_the_single_process_services(
    ray_server: Server, real_build: RealBuild, tmp_path: Path
) -> None:
    single = start([], env_for(real_build.root), tmp_path / "serve.log")
    try:
        questions = load_questions(DEV)
        assert len(questions) >= 30
        replicas: set[str] = set()
        with httpx.Client(timeout=60) as client:
            for question in questions:
                ours, theirs = (
                    ask(client, ray_server.url, question.question),
                    ask(client, single.url, question.question),
                )
                assert ours.status_code == theirs.status_code == 200, (ours.text, theirs.text)
                replicas.add(ours.headers[REPLICA_HEADER])
                a, b = ours.json(), theirs.json()
                assert [p["id"] for p in a["passages"]] == [p["id"] for p in b["passages"]], question.id
                assert (a["answer"] or {}).get("text") == (b["answer"] or {}).get("text"), question.id
                assert a["answerable"] == b["answerable"], question.id
                assert a["index"] == b["index"], question.id  # each names its version: the same one
    finally:
        single.stop()
    assert replicas  # answered through Serve's replicas, not anything else


@dataclass(frozen=True)
class Seen:
    client: int
    began: float
    ended: float
    status: int | str
    version: str | None
    replica: str | None


def test_c_a_reindex_under_load_rolls_across_the_replicas_with_no_failed_request(
    ray_server: Server, served_dir: Path
) -> None:
    old = (served_dir / "current").resolve().name
    seen: list[Seen] = []
    lock = threading.Lock()
    stop = threading.Event()

    def load(client_id: int) -> None:
        with httpx.Client(timeout=60) as client:
            n = 0
            while not stop.is_set():
                n += 1
                began = time.monotonic()
                try:
                    reply = ask(
                        client,
                        ray_server.url,
                        f"What does the report say about remittances ({client_id}, {n})?",
                    )
                    body = reply.json() if reply.status_code == 200 else {}
                    row = Seen(
                        client_id,
                        began,
                        time.monotonic(),
                        reply.status_code,
                        body.get("index", {}).get("version"),
                        reply.headers.get(REPLICA_HEADER),
                    )
                except httpx.HTTPError as exc:
                    row = Seen(client_id, began, time.monotonic(), type(exc).__name__, None, None)
                with lock:
                    seen.append(row)

    clients = [threading.Thread(target=load, args=(i,)) for i in range(4)]
    for thread in clients:
        thread.start()
    try:
        time.sleep(2)
        rebuilt = reportqa("ingest", "--json", env=env_for(served_dir))
        assert rebuilt.returncode == 0, rebuilt.stderr[-4000:]
        new = json.loads(rebuilt.stdout)["version"]
        assert new != old
        # Go on until both replicas have answered from the new version.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with lock:
                on_new = {row.replica for row in seen if row.version == new}
            if len(on_new) >= 2:
                break
            time.sleep(0.5)
        time.sleep(1)
    finally:
        stop.set()
        for thread in clients:
            thread.join(timeout=60)

    failed = [row for row in seen if row.status != 200]
    assert not failed, failed[:5]
    assert {row.version for row in seen} == {old, new}
    for client_id in range(4):
        versions = [row.version for row in sorted(seen, key=lambda r: r.began) if row.client == client_id]
        assert versions == sorted(versions, key=[old, new].index), f"client {client_id} went back"
    first_new = min(row.ended for row in seen if row.version == new)
    late_old = [row for row in seen if row.version == old and row.began > first_new]
    assert not late_old, late_old[:5]
    last = {}
    for row in sorted(seen, key=lambda r: r.ended):
        last[row.replica] = row.version
    assert len(last) == 2, last
    assert set(last.values()) == {new}, last
