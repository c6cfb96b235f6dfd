"""One build at a time per index root, and the clean-up of builds that were killed.

The lock is ``fcntl.flock`` on ``<root>/.build.lock``: the kernel drops it when the
process dies, even by ``kill -9``, so a killed build never blocks the next one.
Whoever holds the lock may sweep what killed builds left behind: hidden staging
directories ``versions/.<version>.*`` and hidden pointer links ``.current.<pid>``.
Models and their embedding caches are not under the root but in the model cache that
every index directory shares (``index/model_cache.py``), which clears its own leftovers.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.errors import BuildInProgress, IndexWriteError

LOCK_FILE = ".build.lock"


@contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Hold the build lock on ``root`` for the duration, or raise BuildInProgress at once."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise IndexWriteError(f"cannot write to index directory {root}: {exc.strerror or exc}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildInProgress(f"another build of {root} is running; wait for it to finish") from exc
        sweep_leftovers(root)
        yield
    finally:
        os.close(fd)


def sweep_leftovers(root: Path) -> list[Path]:
    """Delete staging directories and pointer links that killed builds left; return what went."""
    swept: list[Path] = []
    versions = root / "versions"
    if versions.is_dir():
        for path in versions.iterdir():
            if path.name.startswith(".") and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
                swept.append(path)
    for path in root.glob(".current.*"):
        path.unlink(missing_ok=True)
        swept.append(path)
    return swept
