"""Hot reload and the admin endpoints, in-process, over an index built with the hashing embedder."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes import HashingEmbedder
from fastapi.testclient import TestClient
from pydantic import SecretStr

from index.store import current_path
from ingest.pipeline import build_index
from service.app import create_app
from service.settings import Settings

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
REPORT = Path(__file__).resolve().parents[2] / "corpus" / "high-level-dialogue-2006.txt"


def build(report_copy: Path, root: Path) -> str:
    return build_index([report_copy], root, embedder=HashingEmbedder(64), progress=False).version


def settings_for(report_copy: Path, root: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "index_dir": root,
        "sources": [report_copy],
        "model": "hashing-64",
        "admin_token": SecretStr(TOKEN),
        "reload_interval": 0,
    }
    return Settings(**{**values, **overrides})  # type: ignore[arg-type]


@pytest.fixture
def served(report_copy: Path, tmp_path: Path) -> Iterator[tuple[TestClient, Path, str]]:
    root = tmp_path / "index"
    version = build(report_copy, root)
    with TestClient(create_app(settings_for(report_copy, root))) as client:
        yield client, root, version


def edit(report_copy: Path) -> None:
    text = report_copy.read_text(encoding="utf-8")
    report_copy.write_text(text.replace("232 billion", "250 billion"), encoding="utf-8")


def served_version(client: TestClient) -> str:
    response = client.get("/ask", params={"q": "remittances"})
    assert response.status_code == 200
    version: str = response.json()["index"]["version"]
    assert response.headers["X-Reportqa-Index-Version"] == version
    return version


# --- who may use /admin ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/reload", "/admin/reindex"])
def test_admin_needs_the_bearer_token(served: tuple[TestClient, Path, str], path: str) -> None:
    client, _, _ = served
    missing = client.post(path)
    assert missing.status_code == 401
    assert missing.json()["detail"].startswith("missing or wrong admin token")
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    assert client.post(path, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post(path, headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
    assert client.get("/admin/status", headers=AUTH).status_code == 200


def test_admin_is_disabled_without_a_configured_token(report_copy: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    build(report_copy, root)
    app = create_app(settings_for(report_copy, root, admin_token=None))
    with TestClient(app) as client:
        response = client.post("/admin/reload", headers=AUTH)
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "admin endpoints are disabled; set REPORTQA_ADMIN_TOKEN to enable them"
    )


# --- reload -----------------------------------------------------------------------------------------


def test_reload_swaps_in_a_version_built_by_another_process(
    served: tuple[TestClient, Path, str], report_copy: Path
) -> None:
    client, root, first = served
    assert served_version(client) == first
    edit(report_copy)
    second = build(report_copy, root)
    assert served_version(client) == first  # polling is off in this app: nothing changes by itself
    response = client.post("/admin/reload", headers=AUTH)
    assert response.json() == {"swapped": True, "version": second, "error": None}
    assert served_version(client) == second
    assert client.post("/admin/reload", headers=AUTH).json()["swapped"] is False


def test_the_service_notices_a_new_version_on_its_own(report_copy: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    first = build(report_copy, root)
    app = create_app(settings_for(report_copy, root, reload_interval=0.05))
    with TestClient(app) as client:
        assert served_version(client) == first
        edit(report_copy)
        second = build(report_copy, root)
        deadline = time.monotonic() + 5
        while served_version(client) != second:
            assert time.monotonic() < deadline, "the new version was never picked up"
            time.sleep(0.05)


def test_a_corrupted_new_version_is_refused_and_the_old_one_keeps_serving(
    served: tuple[TestClient, Path, str], report_copy: Path
) -> None:
    client, root, first = served
    edit(report_copy)
    build(report_copy, root)
    vectors = current_path(root) / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[:100])  # truncated
    response = client.post("/admin/reload", headers=AUTH).json()
    assert response["swapped"] is False
    assert response["version"] == first
    assert "vectors.faiss does not match its manifest (corrupted or truncated)" in response["error"]
    assert served_version(client) == first
    ready = client.get("/readyz").json()
    assert ready["status"] == "stale"  # the report_copy changed after the version being served
    assert ready["reload_error"].startswith(f"kept version {first}: ")
    status = client.get("/admin/status", headers=AUTH).json()
    assert status["version"] == first and status["reload_error"] == ready["reload_error"]


# --- reindex ----------------------------------------------------------------------------------------


def wait_idle(client: TestClient) -> dict[str, object]:
    deadline = time.monotonic() + 30
    while True:
        status: dict[str, object] = client.get("/admin/status", headers=AUTH).json()
        if not status["running"]:
            return status
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_reindex_rebuilds_in_the_background_and_swaps(
    served: tuple[TestClient, Path, str], report_copy: Path
) -> None:
    client, _, first = served
    edit(report_copy)
    started = client.post("/admin/reindex", headers=AUTH)
    assert started.status_code == 202
    status = wait_idle(client)
    assert status["phase"] == "idle" and status["last_error"] is None
    build = status["last_build"]
    assert isinstance(build, dict)
    assert build["previous"] == first
    assert (build["changed"], build["added"], build["removed"]) == (1, 0, 0)
    assert 1 <= build["embedded"] <= 6
    assert served_version(client) == build["version"] == status["version"]
    assert client.get("/readyz").json()["status"] == "ready"


def test_a_second_reindex_while_one_runs_is_409(
    served: tuple[TestClient, Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _, _ = served
    reindexer = client.app.state.reindexer  # type: ignore[attr-defined]
    assert reindexer._running.acquire(blocking=False)  # as if a build were running
    try:
        response = client.post("/admin/reindex", headers=AUTH)
        assert response.status_code == 409
        assert response.json()["detail"] == "a reindex is already running; see GET /admin/status"
    finally:
        reindexer._running.release()


def test_a_failed_reindex_keeps_serving_and_says_why(
    served: tuple[TestClient, Path, str], report_copy: Path
) -> None:
    client, _, first = served
    report_copy.write_text("   \n", encoding="utf-8")
    client.post("/admin/reindex", headers=AUTH)
    status = wait_idle(client)
    assert status["phase"] == "failed"
    assert status["last_error"] == (
        f"{report_copy}: the file is empty; add the document's text to it or remove it from the sources"
    )
    assert served_version(client) == first
