"""Finding and reading source files, with errors that name the file and what to do.

A file named directly must be readable or the build fails.  A file found in a
folder that cannot be read (empty, binary, no text, a scanned or encrypted PDF) is
skipped with a warning, unless nothing in that folder can be read.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from index.errors import SourceError
from ingest.document import ParsedDocument
from ingest.html import read_html
from ingest.markdown import read_markdown
from ingest.pdf import read_pdf
from ingest.plaintext import parse_plaintext

Reader = Callable[[str, str], ParsedDocument]
T = TypeVar("T")


def _read_txt(raw: str, document: str) -> ParsedDocument:
    return parse_plaintext(raw, document=document)


READERS: dict[str, Reader] = {
    ".txt": _read_txt,
    ".md": read_markdown,
    ".markdown": read_markdown,
    # Quarto, R Markdown and MDX are Markdown with code chunks, callouts or components, which the
    # Markdown reader leaves out of the text (``ingest/markdown.py``).
    ".qmd": read_markdown,
    ".rmd": read_markdown,
    ".mdx": read_markdown,
    ".html": read_html,
    ".htm": read_html,
}
BINARY_READERS = {".pdf"}
"""Formats read from bytes (``read_pdf``), not from UTF-8 text."""

MEDIA_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
    "qmd": "text/markdown; charset=utf-8",
    "rmd": "text/markdown; charset=utf-8",
    "mdx": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "htm": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}
"""The content type of each format's original file (text formats are read as UTF-8)."""

NO_TEXT_HINT = {
    "html": "its page holds only navigation, scripts, styles or empty tags (or only redirects to another); "
    "save the page with its text",
    "htm": "its page holds only navigation, scripts, styles or empty tags (or only redirects to another); "
    "save the page with its text",
    "pdf": "it may be scanned images with no text layer; run OCR on it first",
}
"""What to do about a document with no text, by format (the rest get ``DEFAULT_NO_TEXT_HINT``)."""
DEFAULT_NO_TEXT_HINT = "add the document's text to it or remove it from the sources"

IMAGE_HINT = "an image has no text to index; remove it from the sources"
MAGIC: list[tuple[bytes, str, str]] = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image", IMAGE_HINT),
    (b"\xff\xd8\xff", "a JPEG image", IMAGE_HINT),
    (b"GIF87a", "a GIF image", IMAGE_HINT),
    (b"GIF89a", "a GIF image", IMAGE_HINT),
    (b"%PDF-", "a PDF", "rename it to .pdf"),
    (b"PK\x03\x04", "a ZIP archive, as .docx and .odt files are", "save it as .md, .txt, .html or .pdf"),
    (b"\x1f\x8b", "gzip-compressed", "decompress it first"),
]
"""Binary kinds worth naming, by their first bytes: (magic, what it is, what to do)."""
BINARY_HINT = "save the document as UTF-8 text or remove it from the sources"
TEXT_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
"""UTF-16 and UTF-32 files are text in another encoding, not binary: decoding says so."""
SNIFF_BYTES = 8192
CONTROL_SHARE = 0.3
"""Above this share of control characters (besides tab, newlines, form feed, escape) bytes are binary."""
_DECLARED_CHARSET = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v\x1b")


@dataclass(frozen=True)
class Source:
    """A source file and its bytes' hash, as read once."""

    path: Path
    document: str
    sha256: str
    format: str
    raw: str
    """The decoded text of a text format; empty for a PDF (read from ``data``)."""
    data: bytes = b""
    """The file's bytes as read, kept in the index so the original can be served."""
    charset: str = "utf-8"
    """The codec ``raw`` was decoded with (``decode_text``)."""


@dataclass(frozen=True)
class Found:
    """A file to read, and the folder it was found in (``None`` when it was named directly)."""

    path: Path
    folder: Path | None = None


def supported_formats() -> str:
    return ", ".join(sorted({*READERS, *BINARY_READERS}))


def readable(suffix: str) -> bool:
    return suffix.lower() in READERS or suffix.lower() in BINARY_READERS


def document_name(path: Path) -> str:
    """A stable, URL-safe document id from the file name."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem).strip("-") or "document"


def find_sources(paths: Sequence[Path]) -> list[Found]:
    """Files named directly, and the readable files in named folders (sorted, not recursive into dotfiles)."""
    files: list[Found] = []
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
            files.extend(Found(p, path) for p in found)
        elif path.is_file():
            files.append(Found(path))
        else:
            raise SourceError(f"{path}: no such file or folder")
    if not files:
        raise SourceError("no source given")
    return files


def expand(paths: Sequence[Path]) -> list[Path]:
    """The files ``find_sources`` finds, without where they were found."""
    return [found.path for found in find_sources(paths)]


def read_each(found: Sequence[Found], read: Callable[[Path], T]) -> tuple[list[T], list[str]]:
    """``read`` each file, skipping a file found in a folder that raises SourceError.

    Returns what was read and one warning per skipped file (``skipped <path>: <reason>``).
    A file named directly that cannot be read fails the whole build, and so does a
    folder none of whose files can be read: an index without them would look built
    but answer nothing from them.
    """
    results: list[T] = []
    warnings: list[str] = []
    read_in: dict[Path, int] = {}
    first_error: dict[Path, SourceError] = {}
    for item in found:
        if item.folder is not None:
            read_in.setdefault(item.folder, 0)
        try:
            results.append(read(item.path))
        except SourceError as exc:
            if item.folder is None:
                raise
            first_error.setdefault(item.folder, exc)
            warnings.append(f"skipped {exc}")
            continue
        if item.folder is not None:
            read_in[item.folder] += 1
    for folder, count in read_in.items():
        if count == 0:
            skipped = sum(1 for item in found if item.folder == folder)
            raise SourceError(
                f"{folder}: none of its {skipped} file(s) could be read; the first: {first_error[folder]}"
            )
    return results, warnings


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


def binary_kind(data: bytes) -> tuple[str, str] | None:
    """What binary content ``data`` holds and what to do about it, or ``None`` for text.

    Checked before decoding a text format, so a PNG renamed ``.md`` is called binary,
    not "not UTF-8" (or worse, decoded: NUL bytes are valid UTF-8).
    """
    if data.startswith(TEXT_BOMS):
        return None
    for magic, kind, hint in MAGIC:
        if data.startswith(magic):
            return kind, hint
    sample = data[:SNIFF_BYTES]
    controls = sum(1 for byte in sample if (byte < 32 and byte not in _TEXT_CONTROLS) or byte == 127)
    if b"\x00" in sample or controls > CONTROL_SHARE * len(sample):
        return "binary data", BINARY_HINT
    return None


def decode_text(data: bytes, suffix: str) -> tuple[str, str]:
    """A text file's characters and their codec: UTF-8, else an HTML page's declared one, else Windows-1252.

    Older pages declare ISO-8859-1 in a ``<meta>``; older text files are mostly Windows-1252,
    which, unlike UTF-8, takes any byte.  A UTF-16 or UTF-32 file (a byte-order mark) is
    not guessed at: the UTF-8 error stands.
    """
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        if data.startswith(TEXT_BOMS):
            raise
    declared = _DECLARED_CHARSET.search(data[:SNIFF_BYTES]) if suffix in (".html", ".htm") else None
    if declared is not None:
        try:
            codec = codecs.lookup(declared.group(1).decode("ascii")).name
            return data.decode(codec, errors="replace"), codec
        except LookupError:
            pass
    return data.decode("cp1252", errors="replace"), "cp1252"


def read_source(path: Path) -> Source:
    check_format(path)
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise SourceError(f"{path}: the file is empty; {DEFAULT_NO_TEXT_HINT}")
    if suffix in BINARY_READERS:
        return Source(path, document_name(path), digest, suffix.lstrip("."), "", data)
    binary = binary_kind(data)
    if binary is not None:
        kind, hint = binary
        raise SourceError(f"{path}: binary, not text ({kind}); {hint}")
    try:
        raw, charset = decode_text(data, suffix)
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc
    if not raw.strip():
        raise SourceError(f"{path}: the file is empty; {DEFAULT_NO_TEXT_HINT}")
    return Source(path, document_name(path), digest, suffix.lstrip("."), raw, data, charset)


def parse_source(source: Source) -> ParsedDocument:
    """Parse a read source; a document with no text at all is an error that names the file."""
    if source.format == "pdf":
        doc = read_pdf(source.data, source.document, path=str(source.path))
    else:
        doc = READERS["." + source.format](source.raw, source.document)
    if not doc.text.strip() or not doc.sections:
        hint = NO_TEXT_HINT.get(source.format, DEFAULT_NO_TEXT_HINT)
        raise SourceError(f"{source.path}: no text found in it; {hint}")
    doc.title = doc.man_title() or doc.title
    return doc
