"""Starting the background tuning from the service, and reporting on it.

When the served version was built with the base model and a tuned one is to be had
(``REPORTQA_BACKGROUND_TUNING``, tuning questions configured), the service starts
``reportqa tune --background`` as a child process: at a lower CPU priority, so questions
keep their speed, and in its own process, so training never holds the service's
interpreter lock.  The child builds a new version that the service's pointer watch swaps
in.  At most one start per served version, so a job that finds nothing to tune, or
fails, is not started again until the index changes.  See docs/tuning.md.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading

from index.backends import plugin_embedder
from index.embedder import is_tuned
from service.settings import Settings
from service.tuning_job import LOG_FILE

logger = logging.getLogger(__name__)

TUNE_COMMAND = ("-c", "from service.cli import main; main()", "tune", "--background")


class BackgroundTuner:
    """Starts the tuning job for a served base-model version, once per version."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._tried: set[str] = set()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def wants(self, model: str) -> bool:
        """Whether a version built with ``model`` should be followed by a tuned one."""
        settings = self._settings
        if not settings.background_tuning or not settings.tune_questions:
            return False
        if model != settings.model or is_tuned(model):
            return False
        return plugin_embedder(model, settings.embedder_plugin) is None  # a plugin's model is not tuned

    def consider(self, version: str, model: str) -> bool:
        """Start the job if the version now served is on the base model; True when it was started."""
        with self._lock:
            if version in self._tried or self.running or not self.wants(model):
                return False
            self._tried.add(version)
            root = self._settings.index_dir
            root.mkdir(parents=True, exist_ok=True)
            with open(root / LOG_FILE, "ab") as log:
                self._process = subprocess.Popen(
                    [sys.executable, *TUNE_COMMAND],
                    env=_child_env(self._settings),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            logger.info(
                "serving %s with the base model %s; tuning it in the background (pid %d, log %s)",
                version,
                model,
                self._process.pid,
                root / LOG_FILE,
            )
            return True

    def stop(self, timeout: float = 10.0) -> None:
        """End a running job (the service is stopping); its half-trained model is never loaded."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _child_env(settings: Settings) -> dict[str, str]:
    """The service's environment without its own REPORTQA_* variables, then its settings."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("REPORTQA_")}
    env.update(settings.to_env())
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    return env
