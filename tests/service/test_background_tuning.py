"""Serve first, tune behind: the base model answers at once and the tuned one is swapped in.

The end-to-end tests tune the real model on a small question set (24 questions, a few
steps) so the mechanism is exercised in seconds, not minutes; PyTorch serves the
questions so no ONNX export is waited for.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from conftest import REPORT, REPORTQA, free_port

from ingest.progress import Progress, reporting_to
from service.settings import Settings
from service.status_report import progress_text, status_lines, take_status
from service.tuner import BackgroundTuner
from service.tuning_job import STATUS_FILE, StatusWriter, job_lock, read_status

TUNING_SET = Path(__file__).resolve().parents[2] / "corpus" / "tuning" / "extra.jsonl"
SMALL_SET_SIZE = 24
PACE = 0.05
"""Seconds between a client's questions: a steady user, not a flood that starves the low-priority tuning."""
TOKEN = "tuning-test-token"


# --- the parts, without a model ---------------------------------------------------------


def test_progress_reports_each_phase_to_a_sink_with_the_time_left() -> None:
    states: list[dict[str, object]] = []
    with reporting_to(states.append), Progress("tuning", 4, unit="steps", enabled=False) as counter:
        for _ in range(4):
            time.sleep(0.01)
            counter.advance()
    first, last = states[0], states[-1]
    assert (first["phase"], first["done"], first["total"]) == ("tuning", 0, 4)
    assert (last["done"], last["percent"], last["eta_seconds"]) == (4, 100.0, 0.0)


def test_a_running_state_whose_process_is_gone_reads_as_interrupted(tmp_path: Path) -> None:
    with job_lock(tmp_path) as held:
        assert held
        writer = StatusWriter(tmp_path, "all-MiniLM-L6-v2", None)
        writer.update(state="tuning", progress={"phase": "tuning", "done": 3, "total": 10})
        status = read_status(tmp_path)
        assert status is not None and status.state == "tuning"
        with job_lock(tmp_path) as second:
            assert not second  # one job per index directory
    status = read_status(tmp_path)
    assert status is not None and status.state == "interrupted"
    assert "starts again" in (status.detail or "")


def test_the_tuner_follows_only_a_version_built_with_the_base_model_it_tunes(tmp_path: Path) -> None:
    on = Settings(index_dir=tmp_path, background_tuning=True)
    tuner = BackgroundTuner(on)
    assert tuner.wants("all-MiniLM-L6-v2")
    assert not tuner.wants("all-MiniLM-L6-v2@tuned-0123456789ab")
    assert not tuner.wants("another-model")  # not the model the settings tune
    assert not BackgroundTuner(Settings(index_dir=tmp_path, background_tuning=False)).wants(
        "all-MiniLM-L6-v2"
    )
    assert not BackgroundTuner(Settings(index_dir=tmp_path, tune_questions=[])).wants("all-MiniLM-L6-v2")


def test_the_tuner_starts_one_job_at_a_time_and_once_per_served_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = tmp_path / "release"
    # A stand-in child that runs until the test releases it (the real job is tested end to end below).
    waiting = f"import os, time\nwhile not os.path.exists({str(release)!r}): time.sleep(0.05)"
    monkeypatch.setattr("service.tuner.TUNE_COMMAND", ("-c", waiting))
    tuner = BackgroundTuner(Settings(index_dir=tmp_path / "index", background_tuning=True))
    try:
        assert tuner.consider("v1", "all-MiniLM-L6-v2") and tuner.running
        assert not tuner.consider("v2", "all-MiniLM-L6-v2")  # one job at a time
        release.touch()
        deadline = time.monotonic() + 30
        while tuner.running and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not tuner.running
        assert not tuner.consider("v1", "all-MiniLM-L6-v2")  # tried once for this version: not again
        assert tuner.consider("v2", "all-MiniLM-L6-v2")  # a new base-model version is followed
    finally:
        release.touch()
        tuner.stop()


def test_status_says_what_serves_and_how_far_tuning_is(tmp_path: Path) -> None:
    writer = StatusWriter(tmp_path, "all-MiniLM-L6-v2", tmp_path / "tuning.log")
    progress = {"phase": "tuning", "unit": "steps", "done": 50, "total": 200, "percent": 25.0}
    with job_lock(tmp_path):
        writer.update(state="tuning", model="all-MiniLM-L6-v2@tuned-0123456789ab", progress=progress)
        lines = status_lines(take_status(Settings(index_dir=tmp_path)))
    assert lines[1].startswith("serving: nothing (no index at")
    assert "tuning: tuning all-MiniLM-L6-v2@tuned-0123456789ab; tuning 50/200 steps (25%)" in lines[2]
    assert progress_text({**progress, "eta_seconds": 130.0}).endswith("about 2 min 10 s left")


# --- the real model, tuned on a small set -----------------------------------------------


def small_question_set(folder: Path) -> Path:
    path = folder / "questions.jsonl"
    lines = TUNING_SET.read_text(encoding="utf-8").splitlines()[:SMALL_SET_SIZE]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def environment(tmp_path: Path, *, background: bool) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("REPORTQA_")}
    env.update(
        REPORTQA_INDEX_DIR=str(tmp_path / "index"),
        REPORTQA_SOURCES=str(REPORT),
        REPORTQA_CACHE_DIR=str(tmp_path / "cache"),
        REPORTQA_TUNE_QUESTIONS=str(small_question_set(tmp_path)),
        REPORTQA_EMBED_BACKEND="torch",
        REPORTQA_BACKGROUND_TUNING="true" if background else "false",
        REPORTQA_ADMIN_TOKEN=TOKEN,
        REPORTQA_RELOAD_INTERVAL="0.2",
        HF_HUB_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
    )
    return env


def ingest(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [REPORTQA, "ingest", "--json"], env=env, capture_output=True, text=True, timeout=900, check=True
    )


@pytest.fixture(scope="module")
def base_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The report built with the base model, because the tuned one was not cached (what ingest says)."""
    folder = tmp_path_factory.mktemp("base-build")
    result = ingest(environment(folder, background=True))
    return folder, result.stderr


def copy_of(base_build: tuple[Path, str], tmp_path: Path) -> dict[str, str]:
    """A test's own copy of the base build and its model cache."""
    folder, _ = base_build
    shutil.copytree(folder / "index", tmp_path / "index", symlinks=True)
    shutil.copytree(folder / "cache", tmp_path / "cache", symlinks=True)
    return environment(tmp_path, background=True)


def manifest_model(index_dir: Path) -> str:
    return str(json.loads((index_dir / "current" / "manifest.json").read_text())["model"])


@pytest.mark.e2e
def test_without_a_cached_tuned_model_ingest_builds_with_the_base_model_at_once(
    base_build: tuple[Path, str],
) -> None:
    folder, stderr = base_build
    assert manifest_model(folder / "index") == "all-MiniLM-L6-v2"
    assert "the service tunes it in the background" in stderr
    assert not list((folder / "cache").glob("*@tuned-*"))  # nothing was trained


@contextmanager
def running_service(env: dict[str, str], folder: Path) -> Iterator[str]:
    """``reportqa serve`` on a real socket, as a user runs it; yields its URL."""
    port = free_port()
    log = folder / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [REPORTQA, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=sink
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: httpx.get(f"{url}/readyz").status_code == 200, 120, log)
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)


def wait_for(condition: object, seconds: float, log: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():  # type: ignore[operator]
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out; log: {log.read_text()[-3000:] if log else ''}")


@pytest.mark.e2e
def test_the_service_answers_while_tuning_and_swaps_in_the_tuned_model_with_no_failed_request(
    base_build: tuple[Path, str], tmp_path: Path
) -> None:
    env = copy_of(base_build, tmp_path)
    with running_service(env, tmp_path) as url:
        outcomes = ask_until_tuned(url)
        status = httpx.get(f"{url}/admin/status", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert outcomes and all(code == 200 for code, _ in outcomes), [o for o in outcomes if o[0] != 200]
    kinds = [kind for _, kind in outcomes]
    assert kinds[0] == "base" and kinds[-1] == "tuned"
    assert kinds == sorted(kinds)  # base, then tuned: never back
    assert status["model_kind"] == "tuned"
    assert status["tuning"]["state"] == "done"
    assert status["tuning"]["version"] == status["version"]
    log = Path(env["REPORTQA_INDEX_DIR"]) / "tuning.log"
    assert "\r" not in log.read_text()


def ask_until_tuned(url: str) -> list[tuple[int, str]]:
    """Ask one question after another until the tuned model serves; each answer's status and model kind."""
    outcomes: list[tuple[int, str]] = []
    stop = threading.Event()

    def client() -> None:
        with httpx.Client(timeout=30) as http:
            while not stop.is_set():
                response = http.post(f"{url}/ask", json={"question": "How do remittances help development?"})
                kind = response.json().get("index", {}).get("model_kind", "") if response.is_success else ""
                outcomes.append((response.status_code, kind))
                time.sleep(PACE)

    thread = threading.Thread(target=client)
    thread.start()
    try:
        wait_for(lambda: httpx.get(f"{url}/readyz").json()["model_kind"] == "tuned", 900)
        time.sleep(1.0)
    finally:
        stop.set()
        thread.join(30)
    return outcomes


@pytest.mark.e2e
def test_with_background_tuning_off_the_service_starts_no_tuning(
    base_build: tuple[Path, str], tmp_path: Path
) -> None:
    env = {**copy_of(base_build, tmp_path), "REPORTQA_BACKGROUND_TUNING": "false"}
    with running_service(env, tmp_path) as url:
        time.sleep(3.0)
        ready = httpx.get(f"{url}/readyz").json()
        status = httpx.get(f"{url}/admin/status", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert (ready["model_kind"], ready["tuning"]) == ("base", None)
    assert status["tuning"] is None
    assert not (Path(env["REPORTQA_INDEX_DIR"]) / STATUS_FILE).exists()


@pytest.mark.e2e
def test_a_killed_tuning_leaves_no_model_and_the_next_run_tunes_again(
    base_build: tuple[Path, str], tmp_path: Path
) -> None:
    env = copy_of(base_build, tmp_path)
    index_dir, cache = Path(env["REPORTQA_INDEX_DIR"]), Path(env["REPORTQA_CACHE_DIR"])
    process = subprocess.Popen(
        [REPORTQA, "tune"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )

    def trained_a_step() -> bool:
        status = read_status(index_dir)
        return status is not None and status.state == "tuning" and (status.progress or {}).get("done", 0) >= 1

    try:
        wait_for(trained_a_step, 600)
    finally:
        process.kill()
        process.wait()
    status = read_status(index_dir)
    assert status is not None and status.state == "interrupted"
    assert not list(cache.glob("*tuned-*/weights"))  # nothing half-written is there to load
    assert manifest_model(index_dir) == "all-MiniLM-L6-v2"  # the base version still serves

    result = subprocess.run(
        [REPORTQA, "tune"], env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    status = read_status(index_dir)
    assert status is not None and status.state == "done"
    assert list(cache.glob("*tuned-*/weights/config.json"))
    assert manifest_model(index_dir) == status.model and status.model.startswith("all-MiniLM-L6-v2@tuned-")
    assert not json.loads((index_dir / STATUS_FILE).read_text())["progress"]


@pytest.mark.e2e
def test_with_background_tuning_off_ingest_tunes_before_it_builds(tmp_path: Path) -> None:
    env = environment(tmp_path, background=False)
    report = json.loads(ingest(env).stdout)
    assert manifest_model(Path(report["path"]).parent.parent).startswith("all-MiniLM-L6-v2@tuned-")
