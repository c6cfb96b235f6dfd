"""Joining a Ray cluster for ``reportqa ingest --ray`` and ``reportqa serve --ray``.

Ray is the optional extra ``reportqa[ray]``: only this module and the ones that call it import
it, and only when ``--ray`` is given.  ``ray.init`` waits minutes for an address nobody answers
on, so a ``host:port`` address is tried with a plain TCP connection first and refused at once,
in one line that names it.
"""

from __future__ import annotations

import importlib.util
import logging
import socket
from typing import Any
from urllib.parse import urlsplit

from index.errors import ReportQAError

INSTALL_HINT = "install the extra: pip install 'reportqa[ray]'"
PROBE_SECONDS = 5.0


class RayUnavailable(ReportQAError):
    """Ray is not installed, or the cluster ``--ray`` names cannot be reached."""


def require_ray() -> None:
    """Raise RayUnavailable, saying how to install it, when Ray is not importable.

    Ray Serve is checked for, not only ``ray``: a folder named ``ray`` on the path (``tests/ray``)
    imports as an empty namespace package.
    """
    if importlib.util.find_spec("ray") is None or importlib.util.find_spec("ray.serve") is None:
        raise RayUnavailable(f"--ray needs Ray, which is not installed; {INSTALL_HINT}")


def host_port(address: str) -> tuple[str, int] | None:
    """The ``(host, port)`` of a ``host:port`` or ``ray://host:port`` address; None for ``auto``/``local``."""
    if address in ("auto", "local"):
        return None
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.hostname is None:
        raise RayUnavailable(f"--ray {address!r} is not an address; give HOST:PORT, auto or local")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None:
        raise RayUnavailable(f"--ray {address!r} has no port; give HOST:PORT (the head's GCS port, 6379)")
    return parts.hostname, port


def probe(address: str, *, timeout: float = PROBE_SECONDS) -> None:
    """Raise RayUnavailable at once when nothing listens at ``address`` (``ray.init`` would hang)."""
    target = host_port(address)
    if target is None:
        return
    try:
        with socket.create_connection(target, timeout=timeout):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise RayUnavailable(
            f"cannot reach the Ray cluster at {address} ({reason}); start it with `ray start --head` "
            "or give its head's address"
        ) from exc


def connect(address: str, **options: Any) -> None:
    """Join the Ray cluster at ``address`` (``HOST:PORT``, ``ray://HOST:PORT``, ``auto``, or ``local``
    to start one on this machine), unless this process has joined one already.

    ``options`` go to ``ray.init`` (e.g. ``num_cpus`` for ``local``).
    """
    require_ray()
    import ray

    if ray.is_initialized():
        return
    probe(address)
    if address == "local":
        options.setdefault("include_dashboard", False)
    try:
        ray.init(address=address, logging_level=logging.WARNING, **options)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RayUnavailable(f"cannot join the Ray cluster at {address}: {first}") from exc
