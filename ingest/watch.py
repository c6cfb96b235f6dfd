"""``reportqa ingest --watch``: rebuild when a source changes, debounced.

watchfiles batches the changes of a burst (an editor's save-as-rename, a copy of
many files) into one event after ``debounce_ms`` of quiet, so one edit is one build.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ingest.sources import readable

DEBOUNCE_MS = 500


def is_source(path: str) -> bool:
    """Whether a changed path is a file reportqa reads (not an editor's swap or a dotfile)."""
    name = Path(path).name
    return readable(Path(path).suffix) and not name.startswith(".")


def watch_sources(
    sources: Sequence[Path],
    rebuild: Callable[[], None],
    *,
    debounce_ms: int = DEBOUNCE_MS,
    stop_event: object | None = None,
) -> None:
    """Call ``rebuild`` after every debounced burst of changes to ``sources`` until interrupted."""
    from watchfiles import watch

    for _changes in watch(
        *sources,
        watch_filter=lambda _change, path: is_source(path),
        debounce=debounce_ms,
        stop_event=stop_event,  # type: ignore[arg-type]
    ):
        rebuild()
