"""``reportqa serve --ray ADDRESS --replicas N``: the same app as a Ray Serve deployment.

Each replica builds the app with ``create_app`` from the settings of the ``serve`` command
(passed as ``REPORTQA_*`` variables, as ``--workers`` passes them), so it loads the index's
current version and watches the ``current`` pointer as the single-process service does.

Replicas poll the pointer on their own, so two of them may swap a new version in a moment
apart, and a client whose requests go to both could see new, then old.  ``LatestVersion``
closes that gap: before a request, a replica whose version is not the one ``current`` points
at loads it first (or waits for the poller that is loading it), so once any replica has
answered from a new version, no later request gets an older one.  Requests in flight finish on
the version they began with; none fails.  Every response names its version in its ``index``
block, and the header ``x-reportqa-replica`` names the replica that answered.
"""

from __future__ import annotations

import logging.config
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from fastapi import FastAPI
from ray import serve
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.app import create_app
from service.logs import log_config
from service.settings import Settings
from service.state import IndexUnavailable, ServiceState, pointer_target

APP_NAME = "reportqa"
REPLICA_HEADER = b"x-reportqa-replica"
PASSED_THROUGH = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "TOKENIZERS_PARALLELISM")
"""Variables of the ``serve`` command's environment its replicas get too (no network for models)."""


def served_version(state: ServiceState) -> str | None:
    """The version ``state`` answers from, or None when it has none."""
    try:
        return state.current().index.version
    except IndexUnavailable:
        return None


class LatestVersion:
    """ASGI middleware: answer from the version ``current`` points at, loading it first if need be.

    One ``readlink`` a request when nothing changed.  A version that fails to load is tried once
    (``ServiceState.reload``); the replica goes on answering from the one it has, as it would alone.
    """

    def __init__(self, app: ASGIApp, *, state: ServiceState, root: Path, replica: str) -> None:
        self.app = app
        self.state = state
        self.root = root
        self.replica = replica.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        target = pointer_target(self.root)
        if target is not None and Path(target).name != served_version(self.state):
            await run_in_threadpool(self.state.reload)

        async def send_named(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (REPLICA_HEADER, self.replica)]
            await send(message)

        await self.app(scope, receive, send_named)


@serve.deployment(name="reportqa")
@serve.ingress()
class ReportQADeployment:
    """One replica: the settings of ``reportqa serve`` from ``env``, then the app built on the replica."""

    def __init__(self, env: dict[str, str]) -> None:
        os.environ.update(env)
        self.settings = Settings()  # type: ignore[call-arg]

    def __serve_build_asgi_app__(self) -> FastAPI:
        # The service's own log lines, as `reportqa serve` configures them before it builds the app.
        logging.config.dictConfig(log_config(fmt=self.settings.log_format, level=self.settings.log_level))
        app = create_app(self.settings)
        replica = serve.get_replica_context().replica_id.unique_id
        app.add_middleware(
            LatestVersion, state=app.state.reportqa, root=self.settings.index_dir, replica=replica
        )
        return app


def replica_env(settings: Settings) -> dict[str, str]:
    """The replicas' settings: the command's, with paths made absolute (replicas run elsewhere)."""
    absolute = settings.model_copy(
        update={
            "index_dir": settings.index_dir.resolve(),
            "cache_dir": settings.cache_dir.resolve(),
            "sources": [path.resolve() for path in settings.sources],
            "tune_questions": [path.resolve() for path in settings.tune_questions],
        }
    )
    env = absolute.to_env()
    env.update({name: os.environ[name] for name in PASSED_THROUGH if name in os.environ})
    return env


def deploy(settings: Settings, *, replicas: int, cpus_per_replica: float = 1.0) -> None:
    """Start Serve's HTTP proxy on ``settings.host``:``settings.port`` and run ``replicas`` replicas.

    Returns once every replica has loaded the index (``serve.run`` waits for them).  The proxy
    runs on the head node only (``HeadOnly``): several nodes of one machine cannot share a port.
    """
    serve.start(
        http_options={"host": settings.host, "port": settings.port},
        proxy_location="HeadOnly",
        # The one proxy spreads requests over every node's replicas, not mostly its own node's.
        controller_options={"runtime_env": {"env_vars": {"RAY_SERVE_PROXY_PREFER_LOCAL_NODE_ROUTING": "0"}}},
    )
    deployment = ReportQADeployment.options(  # type: ignore[attr-defined]  # a Deployment, made so above
        num_replicas=replicas,
        # The app bounds its own work (REPORTQA_MAX_IN_FLIGHT); Serve's default of 5 would cut it.
        max_ongoing_requests=settings.max_in_flight,
        ray_actor_options={"num_cpus": cpus_per_replica},
        # The app writes its own access line, with the request id.
        logging_config={"enable_access_log": False},
    )
    serve.run(deployment.bind(replica_env(settings)), name=APP_NAME, route_prefix="/")


def undeploy() -> None:
    """Delete the app; shut Serve down too when no other app runs on the cluster (frees the port)."""
    serve.delete(APP_NAME)
    if not serve.status().applications:
        serve.shutdown()  # type: ignore[no-untyped-call]


def _stop(signum: int, frame: FrameType | None) -> Any:
    raise KeyboardInterrupt


def serve_on_ray(settings: Settings, *, replicas: int) -> None:
    """``reportqa serve --ray``: deploy, then keep the app up until Ctrl-C or SIGTERM, then remove it."""
    signal.signal(signal.SIGTERM, _stop)
    print(f"Starting {replicas} replica(s) on the Ray cluster ...", file=sys.stderr)
    try:
        deploy(settings, replicas=replicas)
        print(
            f"Serving on http://{settings.host}:{settings.port} with {replicas} Ray Serve replica(s) "
            "(Ctrl-C to stop)",
            file=sys.stderr,
        )
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        print("Removing the Ray Serve app ...", file=sys.stderr)
        try:
            undeploy()
        except Exception as exc:  # the cluster may be gone already; nothing left to remove then
            print(f"warning: could not remove the Ray Serve app ({exc})", file=sys.stderr)
