"""The one settings object: every knob, read from the environment with the ``REPORTQA_`` prefix."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from index.embedder import DEFAULT_MODEL
from index.model_cache import default_cache_dir
from index.models import ANN_ABOVE
from ingest.chunking import DEFAULT_CHUNK_SIZE
from ingest.shipped import SHIPPED_REPORT

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = SHIPPED_REPORT
DEFAULT_INDEX_DIR = PROJECT_ROOT / "data" / "index"
DEFAULT_TUNING = PROJECT_ROOT / "corpus" / "tuning"


class Settings(BaseSettings):
    """Settings for ingest, the service and the CLI (one object, passed down, never global)."""

    model_config = SettingsConfigDict(env_prefix="REPORTQA_", extra="ignore")

    index_dir: Path = Field(DEFAULT_INDEX_DIR, description="Where index versions are stored.")
    cache_dir: Path = Field(
        default_factory=default_cache_dir,
        description="Where tuned models and ONNX exports are kept by digest, shared by all index dirs.",
    )
    public_url: str | None = Field(
        None,
        description="The service's public base URL for citation links (e.g. https://qa.example.org); "
        "default: the request's own origin.",
    )
    sources: Annotated[list[Path], NoDecode] = Field(
        default_factory=lambda: [DEFAULT_CORPUS],
        description="Files or folders to index; several separated by ':'.",
    )
    model: str = Field(
        DEFAULT_MODEL,
        description="Embedding model used by ingest: the bundled name, a local path, or a cached name. "
        "The service always uses the model recorded in the index manifest.",
    )
    embedder_plugin: str | None = Field(
        None,
        description="'module:callable' that takes a model name and returns an embedder (or None to leave it "
        "to reportqa): for a model reportqa cannot run itself. Such a model is not tuned or exported.",
    )
    tune_questions: Annotated[list[Path], NoDecode] = Field(
        default_factory=lambda: [DEFAULT_TUNING],
        description="Question files (JSONL with evidence) or folders of them to fine-tune the model on "
        "before ingest embeds; several separated by ':'; empty: embed with the model as it is.",
    )
    gate_questions: Path | None = Field(
        None,
        description="A JSONL question set every build is scored on (ingest and /admin/reindex): the new "
        "version becomes current only if its Hit@5 and MRR drop by at most gate_margin; none: no gate.",
    )
    gate_margin: float = Field(0.02, ge=0, le=1, description="How far Hit@5 or MRR may drop under the gate.")
    background_tuning: bool = Field(
        True,
        description="When the tuned model is not cached yet, build with the base model at once and let "
        "the service tune behind it, swapping the tuned index in when done; false: tune before the build.",
    )
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    keep_versions: int = Field(3, ge=1, description="How many index versions to keep on disk.")
    batch_size: int = Field(32, ge=1, description="Embedding batch size at ingest.")
    chunk_size: int = Field(
        DEFAULT_CHUNK_SIZE, ge=200, le=4000, description="Target passage length in characters."
    )
    ann_above: int = Field(
        ANN_ABOVE,
        ge=0,
        description="Passages above which ingest writes an approximate (HNSW) dense index, not a flat one.",
    )
    admin_token: SecretStr | None = Field(
        None, description="Bearer token for /admin/*; with none set, the admin endpoints answer 403."
    )
    reload_interval: float = Field(
        1.0, ge=0, description="Seconds between checks of the `current` pointer; 0 turns polling off."
    )

    # --- serving speed (see README, "Serving and operations") ---
    embed_backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        "onnx-int8",
        description="What runs the model for questions: ONNX Runtime with int8 weights (about 3x faster "
        "than float32, ranks alike on our question sets), ONNX float32 (PyTorch's vectors, no torch) "
        "or PyTorch. Every build (ingest, /admin/reindex) embeds passages with PyTorch.",
    )
    embed_threads: int = Field(
        1, ge=0, description="Threads for one forward pass; 0 leaves the runtime's default."
    )
    embed_batching: bool = Field(True, description="Embed concurrent questions together (the micro-batcher).")
    embed_batch_max: int = Field(32, ge=1, le=1024, description="Most questions embedded in one call.")
    embed_batch_wait_ms: float = Field(
        0.0, ge=0, le=100, description="How long an idle batcher waits for more questions before embedding."
    )
    query_cache_size: int = Field(
        4096, ge=0, description="Question embeddings kept (LRU); 0 turns the cache off."
    )
    retrieval_mode: Literal["hybrid", "dense", "sentence", "lexical"] = Field(
        "hybrid", description="hybrid, or one signal alone: dense, sentence, lexical."
    )
    workers: int = Field(1, ge=1, le=64, description="Worker processes for `reportqa serve`.")
    # --- observability ---
    log_format: Literal["json", "text"] = Field(
        "json", description="Service log lines: JSON objects or text."
    )
    log_level: str = Field("info", description="Log level of the service.")
    log_questions: bool = Field(False, description="Put question text in the logs (off: only its length).")
    # --- limits and security ---
    max_body_bytes: int = Field(65536, ge=1024, description="Largest request body accepted (413 above).")
    max_in_flight: int = Field(64, ge=1, description="Requests worked on at once; more wait in the queue.")
    max_queue: int = Field(
        256, ge=0, description="Requests waiting for a slot; beyond that, 429 with Retry-After."
    )
    queue_timeout: float = Field(
        10.0, gt=0, description="Seconds a request may wait in the queue (then 429)."
    )
    rate_limit: float = Field(
        0.0, ge=0, description="Requests per second per client address; 0 turns the rate limit off."
    )
    rate_burst: int = Field(
        20, ge=1, description="Requests a client may send at once before the rate applies."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins allowed by CORS, separated by ','; empty: CORS off."
    )

    def to_env(self) -> dict[str, str]:
        """These settings as ``REPORTQA_*`` variables, for a child process that reads the environment."""
        env: dict[str, str] = {}
        for name, value in self.model_dump(mode="json").items():
            if name == "admin_token":
                value = self.admin_token.get_secret_value() if self.admin_token else None
            elif isinstance(value, list):
                value = (":" if name in ("sources", "tune_questions") else ",").join(map(str, value))
            if value is not None:
                env[f"REPORTQA_{name.upper()}"] = (
                    str(value).lower() if isinstance(value, bool) else str(value)
                )
        return env

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("sources", "tune_questions", mode="before")
    @classmethod
    def _split_paths(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [Path(part) for part in value.split(":") if part.strip()]
        return value
