"""Where models are kept: one cache per user, shared by every index directory.

Tuning a model takes minutes and exporting it to ONNX tens of seconds, and neither
depends on which index directory asked for it, so both are kept once per user::

    <cache>/<model-slug>/weights/          a tuned model's weights (ingest/tuning.py)
    <cache>/<model-slug>/onnx/             its ONNX graphs (index/onnx_embedder.py)
    <cache>/<model-slug>/embeddings.npz    vectors by text hash (ingest/embed_cache.py)
    <cache>/<model-slug>/tokens.npz        token vectors by text hash

``<cache>`` is ``REPORTQA_CACHE_DIR``, else ``$XDG_CACHE_HOME/reportqa``, else
``~/.cache/reportqa``.  A tuned model's name carries the digest of what trained it
(``<base>@tuned-<digest>``), so two index directories share it only when they would train it alike.

Writers of a folder hold ``<folder>.lock`` (``fcntl.flock``, dropped by the kernel when
the process dies), stage it in ``<folder>.partial`` and rename that into place: another
process waits and then finds the whole folder; a killed writer leaves only a ``.partial``
that nothing loads and the next writer clears.  Index directories built before this cache
kept their models under ``<index>/cache/<model-slug>/``; ``adopt_legacy`` links those in.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CACHE_ENV = "REPORTQA_CACHE_DIR"
TUNED_WEIGHTS = "weights"
LEGACY_DIR = "cache"
"""Under an index root, where models were kept before the shared cache."""
PARTIAL = ".partial"


def default_cache_dir() -> Path:
    """``$REPORTQA_CACHE_DIR``, else ``$XDG_CACHE_HOME/reportqa``, else ``~/.cache/reportqa``."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reportqa"


def model_slug(model: str) -> str:
    """A folder name for a model name or path (``sentence-transformers/x`` -> ``sentence-transformers-x``)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", model).strip("-.") or "model"


def model_home(cache: Path | None, model: str) -> Path:
    """The folder the cache keeps for one model (``cache`` None: the user's cache)."""
    return (cache if cache is not None else default_cache_dir()) / model_slug(model)


def tuned_dir(cache: Path | None, name: str) -> Path:
    """Where a tuned model's weights live in the cache."""
    return model_home(cache, name) / TUNED_WEIGHTS


def partial_of(folder: Path) -> Path:
    """The staging folder a writer fills before renaming it to ``folder``; never loaded."""
    return folder.with_name(folder.name + PARTIAL)


@contextmanager
def writing(folder: Path, *, waiting: str | None = None) -> Iterator[Path]:
    """Hold ``folder``'s write lock and yield its cleared staging folder; rename it in with ``publish``.

    Blocks while another process writes ``folder`` (printing ``waiting`` first, when
    given); the caller should check again whether ``folder`` is there once it holds the lock.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder.with_name(folder.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting:
                print(waiting, file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        staged = partial_of(folder)
        shutil.rmtree(staged, ignore_errors=True)  # a killed writer's leftover
        try:
            yield staged
        finally:
            shutil.rmtree(staged, ignore_errors=True)
    finally:
        os.close(fd)


def publish(staged: Path, folder: Path) -> None:
    """Put the finished ``staged`` folder in place of ``folder`` (held under ``writing``)."""
    if folder.exists():
        shutil.rmtree(folder)
    staged.rename(folder)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)  # no second copy of the weights when both are on one file system
    except OSError:
        shutil.copy2(source, target)


def adopt_legacy(index_root: Path, cache: Path | None) -> list[Path]:
    """Bring the tuned weights an older index kept under ``<index_root>/cache/`` into the cache.

    Only weights the cache lacks are brought (by hard link where it can, else by copy);
    the index directory is left as it is.  Returns the cache folders filled.
    """
    adopted: list[Path] = []
    for weights in sorted((index_root / LEGACY_DIR).glob(f"*/{TUNED_WEIGHTS}")):
        target = model_home(cache, weights.parent.name) / TUNED_WEIGHTS
        if target.is_dir() or not weights.is_dir():
            continue
        with writing(target) as staged:
            if target.is_dir():
                continue
            shutil.copytree(weights, staged, copy_function=_link_or_copy)
            publish(staged, target)
            adopted.append(target)
    return adopted
