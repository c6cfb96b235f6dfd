"""Finding and reading source files, with errors that name the file and what to do."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from index.errors import SourceError
from ingest.document import ParsedDocument
from ingest.formats import read_html, read_markdown, read_pdf
from ingest.plaintext import parse_plaintext

Reader = Callable[[str, str], ParsedDocument]


def _read_txt(raw: str, document: str) -> ParsedDocument:
    return parse_plaintext(raw, document=document)


READERS: dict[str, Reader] = {
    ".txt": _read_txt,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
}
BINARY_READERS = {".pdf"}
"""Formats read from bytes (``read_pdf``), not from UTF-8 text."""


@dataclass(frozen=True)
class Source:
    """A source file and its bytes' hash, as read once."""

    path: Path
    document: str
    sha256: str
    format: str
    raw: str
    data: bytes = b""


def supported_formats() -> str:
    return ", ".join(sorted({*READERS, *BINARY_READERS}))


def readable(suffix: str) -> bool:
    return suffix.lower() in READERS or suffix.lower() in BINARY_READERS


def document_name(path: Path) -> str:
    """A stable, URL-safe document id from the file name."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem).strip("-") or "document"


def expand(paths: Sequence[Path]) -> list[Path]:
    """Files named directly, and the readable files in named folders (sorted, not recursive into dotfiles)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and readable(p.suffix)
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise SourceError(
                    f"{path}: folder holds no file of a format reportqa reads ({supported_formats()})"
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise SourceError(f"{path}: no such file or folder")
    if not files:
        raise SourceError("no source given")
    return files


def check_format(path: Path) -> None:
    """Refuse a file of a format no reader reads, naming the formats that are read."""
    suffix = path.suffix.lower()
    if not readable(suffix):
        raise SourceError(
            f"{path}: unsupported format {suffix or '(no extension)'!r}; reportqa reads {supported_formats()}"
        )


def check_sources(paths: Sequence[Path]) -> list[Path]:
    """The files a build would read, checked for existence and format without reading them.

    Cheap, so the CLI can refuse a mistyped path before it spends seconds loading a model.
    """
    files = expand(paths)
    for path in files:
        check_format(path)
    return files


def read_source(path: Path) -> Source:
    check_format(path)
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    digest = hashlib.sha256(data).hexdigest()
    if suffix in BINARY_READERS:
        if not data.strip():
            raise SourceError(f"{path}: the file is empty")
        return Source(path, document_name(path), digest, suffix.lstrip("."), "", data)
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc
    if not raw.strip():
        raise SourceError(f"{path}: the file is empty")
    return Source(path, document_name(path), digest, suffix.lstrip("."), raw)


def parse_source(source: Source) -> ParsedDocument:
    """Parse a read source; a document with no text at all is an error that names the file."""
    if source.format == "pdf":
        doc = read_pdf(source.data, source.document, path=str(source.path))
    else:
        doc = READERS["." + source.format](source.raw, source.document)
    if not doc.text.strip() or not doc.sections:
        raise SourceError(f"{source.path}: no text found in it")
    return doc
