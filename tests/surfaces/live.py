"""Real servers on real sockets for the chatbot and browser surfaces, and what they must agree on.

Each surface is tested with the client its users have (the MCP SDK, ``openai``,
LangChain, Chromium), so the service runs under uvicorn on a free port rather than
in a TestClient, and every surface is held to the top passage and citation of ``/ask``.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import httpx
import uvicorn
from conftest import free_port
from fakes import PLUGIN

from index.backends import load_embedder
from service.app import create_app
from service.settings import Settings

DEV_QUESTIONS = Path(__file__).resolve().parents[1] / "data" / "dev.jsonl"
REPORTQA = Path(sys.executable).with_name("reportqa")


@dataclass(frozen=True)
class LiveServer:
    """A running service: its base URL and the index directory it serves."""

    url: str
    index_dir: Path

    def ask(self, question: str, **params: object) -> dict[str, object]:
        """``POST /ask``: the reference every other surface must agree with."""
        response = httpx.post(f"{self.url}/ask", json={"question": question, **params}, timeout=30)
        response.raise_for_status()
        payload: dict[str, object] = response.json()
        return payload


def serve(
    index_dir: Path, *, cache: Path | None = None, settings: Settings | None = None
) -> Iterator[LiveServer]:
    """Run the app under uvicorn in a thread until the generator is closed.

    ``cache`` is the model cache that holds the index's model (default: the test's own).
    With ``settings``, the app is built from them as ``reportqa serve`` builds it, models and all.
    """
    port = free_port()
    if settings is None:
        # The plugin explicitly: a module-scoped fixture runs before the per-test environment is set.
        settings = Settings(index_dir=index_dir, host="127.0.0.1", port=port, embedder_plugin=PLUGIN)
        app = create_app(
            settings,
            embedder_factory=partial(
                load_embedder, cache=cache or settings.cache_dir, plugin=settings.embedder_plugin
            ),
        )
    else:
        app = create_app(settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the service did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", index_dir=index_dir)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


Tops = dict[str, tuple[str, dict[str, object]]]


def dev_questions() -> list[str]:
    """The development sample's questions, answerable or not."""
    with DEV_QUESTIONS.open(encoding="utf-8") as lines:
        return [json.loads(line)["question"] for line in lines if line.strip()]


def top_of(payload: dict[str, object]) -> tuple[str, dict[str, object]]:
    """The top passage's id and citation: what every surface must agree on."""
    passages = payload["passages"]
    assert isinstance(passages, list) and passages, payload
    first = passages[0]
    return first["id"], first["citation"]
