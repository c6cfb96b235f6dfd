"""Progress of long work: a bar on a terminal, plain lines in a log.

A bar redraws itself with carriage returns, which a log file, ``journalctl``, Docker
or CI keeps as hundreds of garbled updates.  So when the stream is not a terminal a
phase prints plain lines instead: its percentage at most every ``every`` seconds and
only once it has moved ``STRIDE`` points (so at most 20 lines a phase), or after a
minute without a line on a very slow machine; and one closing line with the time it took.

A process that works in the background (the service's tuner, ``service/tuning_job.py``)
also reports every phase to a ``sink``, at most once a second, so another process can show
the step, the percentage and the time left.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any, TextIO

EVERY = 10.0
"""Least seconds between two plain progress lines of one phase."""
STRIDE = 5
"""Least percentage points between two plain progress lines, unless ``HEARTBEAT`` seconds passed."""
HEARTBEAT = 60.0
SINK_EVERY = 1.0
"""Least seconds between two reports of one phase to the sink."""

Sink = Callable[[dict[str, Any]], None]
_sinks: list[Sink] = []


@contextmanager
def reporting_to(sink: Sink) -> Iterator[None]:
    """While inside, every phase's progress also goes to ``sink`` (``phase_state`` dicts)."""
    _sinks.append(sink)
    try:
        yield
    finally:
        _sinks.remove(sink)


def phase_state(label: str, unit: str, done: int, total: int, elapsed: float) -> dict[str, Any]:
    """A phase as data: its step, percentage, seconds so far and estimated seconds left."""
    left = elapsed / done * (total - done) if done and total >= done else None
    return {
        "phase": label,
        "unit": unit,
        "done": done,
        "total": total,
        "percent": round(100 * done / total, 1) if total else None,
        "elapsed_seconds": round(elapsed, 1),
        "eta_seconds": None if left is None else round(left, 1),
    }


def is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def quiet_library_bars(stream: TextIO | None = None) -> None:
    """Turn off the progress bars of Hugging Face libraries (``Loading weights: ...``) off a terminal."""
    if is_terminal(stream or sys.stderr):
        return
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"  # read by huggingface_hub and transformers at import
    if "transformers" in sys.modules:
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]


class Progress:
    """One phase counted in ``unit``: ``advance`` as work is done, ``close`` (or end the ``with``) after."""

    def __init__(
        self,
        label: str,
        total: int,
        *,
        unit: str = "texts",
        stream: TextIO | None = None,
        every: float = EVERY,
        enabled: bool = True,
    ) -> None:
        self.label = label
        self.total = total
        self.unit = unit
        self.done = 0
        self._stream = stream or sys.stderr
        self._every = every
        self._began = self._last = time.monotonic()
        self._last_percent = 0
        self._reported = 0.0
        self._enabled = enabled and total > 0
        self._report(force=True)
        self._bar: Any = None
        if self._enabled and is_terminal(self._stream):
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=label, unit=f" {unit}", file=self._stream, leave=True)

    def advance(self, count: int = 1) -> None:
        self.done += count
        self._report()
        if not self._enabled:
            return
        if self._bar is not None:
            self._bar.update(count)
            return
        now, percent = time.monotonic(), 100 * self.done // self.total
        waited = now - self._last
        moved = percent - self._last_percent >= STRIDE
        if waited >= self._every and (moved or waited >= HEARTBEAT) and self.done < self.total:
            self._last, self._last_percent = now, percent
            self._line(f"{percent}% ({self.done}/{self.total} {self.unit})")

    def close(self) -> None:
        self._report(force=True)
        if not self._enabled:
            return
        self._enabled = False
        if self._bar is not None:
            self._bar.close()
            return
        self._line(f"done, {self.done} {self.unit} in {time.monotonic() - self._began:.0f} s")

    def _report(self, *, force: bool = False) -> None:
        """Give the sinks this phase's state (at most every ``SINK_EVERY`` seconds unless ``force``)."""
        if not _sinks:
            return
        now = time.monotonic()
        if not force and now - self._reported < SINK_EVERY:
            return
        self._reported = now
        state = phase_state(self.label, self.unit, self.done, self.total, now - self._began)
        for sink in list(_sinks):
            sink(state)

    def _line(self, text: str) -> None:
        print(f"{self.label}: {text}", file=self._stream, flush=True)

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is None:
            self.close()
        elif self._bar is not None:
            self._bar.close()
            self._enabled = False
