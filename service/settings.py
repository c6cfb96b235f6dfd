"""The one settings object: every knob, read from the environment with the ``REPORTQA_`` prefix."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from ingest.chunking import DEFAULT_CHUNK_SIZE
from ingest.embedder import DEFAULT_MODEL

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "corpus" / "high-level-dialogue-2006.txt"
DEFAULT_INDEX_DIR = PROJECT_ROOT / "data" / "index"


class Settings(BaseSettings):
    """Settings for ingest, the service and the CLI (one object, passed down, never global)."""

    model_config = SettingsConfigDict(env_prefix="REPORTQA_", extra="ignore")

    index_dir: Path = Field(DEFAULT_INDEX_DIR, description="Where index versions are stored.")
    sources: Annotated[list[Path], NoDecode] = Field(
        default_factory=lambda: [DEFAULT_CORPUS],
        description="Files or folders to index; several separated by ':'.",
    )
    model: str = Field(
        DEFAULT_MODEL,
        description="Embedding model used by ingest: the bundled name, a local path, or a cached name. "
        "The service always uses the model recorded in the index manifest.",
    )
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    keep_versions: int = Field(3, ge=1, description="How many index versions to keep on disk.")
    batch_size: int = Field(32, ge=1, description="Embedding batch size at ingest.")
    chunk_size: int = Field(
        DEFAULT_CHUNK_SIZE, ge=200, le=4000, description="Target passage length in characters."
    )
    admin_token: SecretStr | None = Field(
        None, description="Bearer token for /admin/*; with none set, the admin endpoints answer 403."
    )
    reload_interval: float = Field(
        1.0, ge=0, description="Seconds between checks of the `current` pointer; 0 turns polling off."
    )

    @field_validator("sources", mode="before")
    @classmethod
    def _split_sources(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [Path(part) for part in value.split(":") if part.strip()]
        return value
