"""The index on disk: a directory of versions and an atomic pointer to the current one.

Layout (documented in docs/index-format.md)::

    <root>/current                 symlink -> versions/<version>, swapped atomically
    <root>/versions/<version>/
        manifest.json               format, version, model, counts, sources, file hashes
        vectors.faiss               the passage vectors, 8 bits a dimension: flat, or HNSW when large
        sentences.npy               (passage row, start, end) of every sentence, in passage order
        sentence_vectors.npy        each sentence's vector in 8 bits a coordinate, sentence_scales.npy
        tokens.npy, token_axes.npy  every passage's word pieces, 4 bits on each axis fitted at ingest
        token_offsets.npy           where each passage's token vectors start (and the last ends)
        lexical/, acronyms.json     BM25 over passages and sentences, and the acronyms, learnt at ingest
        passages.jsonl, sections.json, texts/, sources/, documents.json
                                    passages, outlines, canonical texts and original files

A version is written whole in a hidden temporary directory, fsynced, renamed into place and
only then made current: a reader never sees half an index, a failed build leaves the last serving.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np
from pydantic import ValidationError

from index.acronyms import Acronyms
from index.dense import (
    dense_index,
    is_approximate,
    nearest,
    recall_at_10,
    recall_sample,
)
from index.errors import (
    CorruptIndex,
    IncompatibleIndex,
    IndexNotFound,
    IndexWriteError,
    NoSuchDocument,
    SourceNotKept,
    UnknownPassage,
)
from index.late import Compressed, TokenVectors
from index.lexical import LexicalIndex, titled
from index.models import ANN_ABOVE, FORMAT_NAME, FORMAT_VERSION, Manifest, Passage, Section, StoredDocument
from index.quantise import quantise

CURRENT = "current"
VERSIONS = "versions"
REBUILD_HINT = "rebuild with: reportqa ingest"
SOURCES = "sources"
DOCUMENTS_FILE = "documents.json"
UNCOMPRESSED = frozenset({"pdf"})
"""Originals kept as they are (a PDF is compressed already, and a viewer asks for byte ranges)."""
_FILE_NAME_PART = re.compile(r"^[A-Za-z0-9._-]+$")


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_tree(directory: Path) -> None:
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    for path in [*sorted(p for p in directory.rglob("*") if p.is_dir()), directory]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclass
class LoadedIndex:
    """One version of the index in memory: passages, vectors and the texts they cite."""

    path: Path
    manifest: Manifest
    passages: list[Passage]
    sections: list[Section]
    texts: dict[str, str]
    vectors: faiss.Index
    sentences: np.ndarray
    """``(passage row, start, end)`` of each sentence, spans within the passage text (int32, n x 3)."""
    sentence_codes: np.ndarray
    """Each sentence's unit vector in 8 bits a coordinate (``index/quantise.py``), in ``sentences``
    order, memory-mapped: a question gathers its pool's rows, a quarter of float32's bytes."""
    sentence_scales: np.ndarray
    """Each sentence's scale: its vector is its codes times its scale."""
    by_id: dict[str, int] = field(default_factory=dict)
    tokens: TokenVectors | None = None
    """Every passage's token vectors, for late interaction; None in an index built without them."""
    documents: dict[str, StoredDocument] = field(default_factory=dict)
    """Each document's original file and page breaks, by id; empty in an index built before they were kept."""

    def __post_init__(self) -> None:
        self.by_id = {passage.id: row for row, passage in enumerate(self.passages)}
        rows = self.sentences[:, 0] if self.sentences.ndim == 2 and self.sentences.shape[1] == 3 else None
        if (
            rows is None
            or len(self.sentences) != len(self.sentence_codes)
            or len(self.sentence_scales) != len(self.sentence_codes)
        ):
            raise CorruptIndex(
                f"index at {self.path} holds {len(self.sentence_codes)} sentence vectors for "
                f"sentence spans of shape {self.sentences.shape}; {REBUILD_HINT}"
            )
        if len(rows) and (rows.min() < 0 or rows.max() >= len(self.passages) or np.any(np.diff(rows) < 0)):
            raise CorruptIndex(f"index at {self.path} has sentences outside its passages; {REBUILD_HINT}")
        self.matrix = self.vectors.reconstruct_n(0, self.vectors.ntotal)
        self.sentence_rows = np.asarray(rows, dtype=np.int64)
        if self.tokens is not None and len(self.tokens) != len(self.passages):
            raise CorruptIndex(
                f"index at {self.path} holds token vectors for {len(self.tokens)} passages, not "
                f"{len(self.passages)}; {REBUILD_HINT}"
            )

    def sentence_span(self, number: int) -> tuple[int, int, int]:
        """``(passage row, start, end)`` of sentence ``number``, as plain ints."""
        row, start, end = self.sentences[number]
        return int(row), int(start), int(end)

    @property
    def version(self) -> str:
        return self.manifest.version

    def passage(self, passage_id: str) -> Passage:
        row = self.by_id.get(passage_id)
        if row is None:
            raise UnknownPassage(f"no passage with id {passage_id!r} in index {self.version}")
        return self.passages[row]

    def original(self, document: str) -> tuple[StoredDocument, Path]:
        """The record and the file of a document's original bytes, found by id in this version's table.

        The id is only ever a key of the table: the path comes from the manifest-hashed
        record, so no request can name a file outside the version's ``sources/``.
        """
        if document not in self.texts:
            raise NoSuchDocument(f"no document {document!r} in index {self.version}")
        record = self.documents.get(document)
        if record is None:
            raise SourceNotKept(
                f"index {self.version} keeps no original file of {document!r} (built before originals "
                f"were kept); rebuild the index to serve it: reportqa ingest"
            )
        return record, self.path / record.file

    def original_bytes(self, document: str) -> tuple[StoredDocument, bytes]:
        """As ``original``, with the file's bytes as indexed (a text kept gzipped is unzipped)."""
        record, path = self.original(document)
        data = path.read_bytes()
        return record, gzip.decompress(data) if path.suffix == ".gz" else data

    @property
    def approximate(self) -> bool:
        """Whether the dense index is an HNSW graph, so a question scores a pool, not every passage."""
        return is_approximate(self.vectors)

    def nearest(self, query: np.ndarray, count: int) -> np.ndarray:
        """The rows of about the ``count`` passages nearest ``query``."""
        return nearest(self.vectors, query, count)

    def all_scores(self, query: np.ndarray) -> np.ndarray:
        """Inner product of the query with every passage, in row order (for fusion)."""
        return np.asarray(self.matrix @ np.asarray(query, dtype=np.float32).reshape(-1))

    @functools.cached_property
    def _sentence_floats(self) -> np.ndarray:
        return np.asarray(self.sentence_codes, dtype=np.float32)

    def sentence_scores(self, query: np.ndarray) -> np.ndarray:
        """Inner product of the query with every sentence, in ``sentences`` order.

        A small index's questions score every sentence: its codes are made floats once, on
        the first question.  A large one's score a pool's (``sentence_scores_of``), with the
        same arithmetic, so a sentence scores the same either way.
        """
        vector = np.asarray(query, dtype=np.float32).reshape(-1)
        return np.asarray((self._sentence_floats @ vector) * self.sentence_scales, dtype=np.float32)

    def sentence_scores_of(self, numbers: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Inner product of the query with sentences ``numbers``, from their 8-bit codes."""
        codes = np.take(self.sentence_codes, numbers, axis=0).astype(np.float32)
        scores = (codes @ np.asarray(query, dtype=np.float32).reshape(-1)) * self.sentence_scales[numbers]
        return np.asarray(scores, dtype=np.float32)


def current_path(root: Path) -> Path:
    """The directory of the current version, or IndexNotFound."""
    pointer = root / CURRENT
    if not pointer.exists():
        raise IndexNotFound(f"no index at {root}; run: reportqa ingest")
    return pointer.resolve()


def read_manifest(version_dir: Path) -> Manifest:
    path = version_dir / "manifest.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CorruptIndex(f"{path} is missing; {REBUILD_HINT}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CorruptIndex(f"{path} is not valid JSON ({exc}); {REBUILD_HINT}") from exc
    if not isinstance(raw, dict) or raw.get("format") != FORMAT_NAME:
        raise IncompatibleIndex(f"{version_dir} is not a reportqa index; {REBUILD_HINT}")
    if raw.get("format_version") != FORMAT_VERSION:
        raise IncompatibleIndex(
            f"index format version {raw.get('format_version')} at {version_dir} is not "
            f"the supported version {FORMAT_VERSION}; {REBUILD_HINT}"
        )
    try:
        return Manifest.model_validate(raw)
    except ValidationError as exc:
        raise CorruptIndex(f"{path} is malformed: {exc.errors()[0]['msg']}; {REBUILD_HINT}") from exc


TOKEN_FILES = ("tokens.npy", "token_offsets.npy", "token_axes.npy")
LEXICAL_PASSAGES, LEXICAL_SENTENCES, ACRONYMS_FILE = "lexical/passages", "lexical/sentences", "acronyms.json"
CODES = "sentence_vectors.npy"
SENTENCE_FILES = ("sentences.npy", CODES, "sentence_scales.npy")


def _load_tokens(directory: Path) -> TokenVectors | None:
    """The passages' token vectors, memory-mapped (read as questions need them); None if there are none."""
    present = [(directory / name).is_file() for name in TOKEN_FILES]
    if not any(present):
        return None
    if not all(present):
        missing = [name for name, there in zip(TOKEN_FILES, present, strict=True) if not there]
        raise CorruptIndex(f"index at {directory} lacks {', '.join(missing)}; {REBUILD_HINT}")
    # Only the codes grow with the tokens; the offsets and axes are small and read on every question.
    codes = np.load(directory / TOKEN_FILES[0], mmap_mode="r", allow_pickle=False)
    offsets, axes = (np.load(directory / name, allow_pickle=False) for name in TOKEN_FILES[1:])
    return TokenVectors(codes, offsets, axes)


def load_index(root: Path, *, model: str | None = None, version_dir: Path | None = None) -> LoadedIndex:
    """Load the current version (or ``version_dir``), checking format, model and file hashes."""
    directory = version_dir or current_path(root)
    manifest = read_manifest(directory)
    if model is not None and manifest.model != model:
        raise IncompatibleIndex(
            f"index {manifest.version} was built with model {manifest.model!r}, not {model!r}; {REBUILD_HINT}"
        )
    for name, expected in manifest.files.items():
        path = directory / name
        if not path.is_file():
            raise CorruptIndex(f"{path} is missing; {REBUILD_HINT}")
        if file_sha256(path) != expected:
            raise CorruptIndex(f"{path} does not match its manifest (corrupted or truncated); {REBUILD_HINT}")
    try:
        vectors = faiss.read_index(str(directory / "vectors.faiss"))
        sentences, codes, scales = (
            np.load(directory / name, allow_pickle=False, mmap_mode="r" if name == CODES else None)
            for name in SENTENCE_FILES
        )
        with (directory / "passages.jsonl").open(encoding="utf-8") as handle:
            passages = [Passage.model_validate_json(line) for line in handle if line.strip()]
        sections = [
            Section.model_validate(item)
            for item in json.loads((directory / "sections.json").read_text(encoding="utf-8"))
        ]
        texts = {
            path.stem: path.read_text(encoding="utf-8")
            for path in sorted((directory / "texts").glob("*.txt"))
        }
        documents = (
            {
                record.document: record
                for record in (
                    StoredDocument.model_validate(item)
                    for item in json.loads((directory / DOCUMENTS_FILE).read_text(encoding="utf-8"))
                )
                if record.file in manifest.files
            }
            if DOCUMENTS_FILE in manifest.files
            else {}
        )
        tokens = _load_tokens(directory)
    except (OSError, RuntimeError, ValueError) as exc:
        raise CorruptIndex(f"cannot read index at {directory}: {exc}; {REBUILD_HINT}") from exc
    if vectors.ntotal != len(passages) or len(passages) != manifest.passage_count:
        raise CorruptIndex(
            f"index at {directory} holds {vectors.ntotal} vectors and {len(passages)} passages "
            f"but its manifest says {manifest.passage_count}; {REBUILD_HINT}"
        )
    if vectors.d != manifest.dimension:
        raise CorruptIndex(f"vectors at {directory} have dimension {vectors.d}, not {manifest.dimension}")
    return LoadedIndex(
        directory,
        manifest,
        passages,
        sections,
        texts,
        vectors,
        sentences,
        codes,
        np.asarray(scales, dtype=np.float32),
        tokens=tokens,
        documents=documents,
    )


@dataclass(frozen=True)
class OriginalFile:
    """A source's original bytes as read for the build, and what a version records beside them."""

    document: str
    extension: str
    """The file's extension without the dot (``pdf``), kept on the stored copy."""
    data: bytes
    media_type: str
    page_breaks: Sequence[tuple[int, int | None]] = ((0, None),)
    file_pages: Mapping[int, int] = field(default_factory=dict)


def _write_originals(staging: Path, originals: Sequence[OriginalFile]) -> None:
    """Each original under ``sources/`` and the table that finds it by document id."""
    records: list[StoredDocument] = []
    if originals:
        (staging / SOURCES).mkdir()
    for original in originals:
        for part in (original.document, original.extension):
            if not _FILE_NAME_PART.match(part) or part in {".", ".."}:
                raise ValueError(f"{part!r} cannot name a stored source file")
        name = f"{SOURCES}/{original.document}.{original.extension}"
        if original.extension in UNCOMPRESSED:
            (staging / name).write_bytes(original.data)
        else:  # text compresses four to eight times; mtime 0 keeps the bytes the same build to build
            name += ".gz"
            (staging / name).write_bytes(gzip.compress(original.data, mtime=0))
        records.append(
            StoredDocument(
                document=original.document,
                file=name,
                media_type=original.media_type,
                page_breaks=list(original.page_breaks),
                file_pages=dict(original.file_pages),
            )
        )
    if records:
        (staging / DOCUMENTS_FILE).write_text(
            json.dumps([r.model_dump(mode="json") for r in records], ensure_ascii=False, indent=1),
            encoding="utf-8",
        )


def write_index(
    root: Path,
    *,
    manifest: Manifest,
    passages: Sequence[Passage],
    sections: Sequence[Section],
    texts: Mapping[str, str],
    vectors: np.ndarray,
    sentences: Sequence[tuple[int, int, int]],
    sentence_vectors: np.ndarray,
    passage_tokens: Compressed | None = None,
    originals: Sequence[OriginalFile] = (),
    keep: int = 3,
    activate: bool = True,
    ann_above: int = ANN_ABOVE,
) -> Path:
    """Write a new version completely, then point ``current`` at it; return its directory.

    ``sentences`` are ``(passage row, start, end)`` of each row of ``sentence_vectors``.
    ``passage_tokens`` are the passages' token vectors as stored (late interaction,
    ``index/late.py``), when the model gives them.  ``originals`` are the sources' bytes, kept so
    that ``/documents/{id}/source`` serves what was indexed.  With ``activate=False`` the version
    is written but not made current (a gated build decides later).  An OS error (full disk,
    permissions) becomes IndexWriteError after the partial version is removed, so nothing is lost.
    More than ``ann_above`` passages get an approximate dense index (``index/dense.py``).
    """
    if vectors.shape != (len(passages), manifest.dimension):
        raise ValueError(f"vectors of shape {vectors.shape} for {len(passages)} passages")
    versions = root / VERSIONS
    try:
        versions.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{manifest.version}.", dir=versions))
    except OSError as exc:
        raise IndexWriteError(f"cannot write index at {versions}: {exc.strerror or exc}") from exc
    try:
        staging.chmod(0o755)
        dense = dense_index(vectors, ann_above=ann_above)
        faiss.write_index(dense, str(staging / "vectors.faiss"))
        if is_approximate(dense):
            matrix = np.asarray(vectors, dtype=np.float32)
            recall = recall_at_10(dense, matrix, recall_sample(sentence_vectors))
            manifest = manifest.model_copy(
                update={"dense_index": "hnsw", "ann_recall_at_10": round(recall, 4)}
            )
        spans = np.asarray(sentences, dtype=np.int32).reshape(-1, 3)
        rows = np.asarray(sentence_vectors, dtype=np.float32).reshape(-1, manifest.dimension)
        if len(spans) != len(rows):
            raise ValueError(f"{len(rows)} sentence vectors for {len(spans)} sentences")
        for name, array in zip(SENTENCE_FILES, (spans, *quantise(rows)), strict=True):
            np.save(staging / name, array, allow_pickle=False)
        _write_lexical(staging, passages, spans)
        if passage_tokens is not None:
            stored = passage_tokens
            if len(stored.offsets) != len(passages) + 1:
                raise ValueError(f"token vectors for {len(stored.offsets) - 1} of {len(passages)} passages")
            for name, array in zip(TOKEN_FILES, (stored.codes, stored.offsets, stored.axes), strict=True):
                np.save(staging / name, array, allow_pickle=False)
        with (staging / "passages.jsonl").open("w", encoding="utf-8") as handle:
            for passage in passages:
                handle.write(passage.model_dump_json() + "\n")
        (staging / "sections.json").write_text(
            json.dumps([s.model_dump() for s in sections], ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
        (staging / "texts").mkdir()
        for document, text in texts.items():
            (staging / "texts" / f"{document}.txt").write_text(text, encoding="utf-8")
        _write_originals(staging, originals)
        files = {
            str(p.relative_to(staging)): file_sha256(p) for p in sorted(staging.rglob("*")) if p.is_file()
        }
        final_manifest = manifest.model_copy(update={"files": files})
        (staging / "manifest.json").write_text(final_manifest.model_dump_json(indent=2), encoding="utf-8")
        _fsync_tree(staging)
        target = versions / manifest.version
        os.rename(staging, target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise IndexWriteError(
            f"cannot write index version {manifest.version} under {versions}: {exc.strerror or exc}; "
            "the previous version is still current"
        ) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if activate:
        switch_current(root, target)
        prune_versions(root, keep=keep)
    return target


def _write_lexical(staging: Path, passages: Sequence[Passage], spans: np.ndarray) -> None:
    """BM25 over passages and over sentences, and the acronyms: learnt here once, read at every load."""
    texts = [titled(passage) for passage in passages]
    sentences = [passages[row].text[start:end] for row, start, end in spans.tolist()]
    for name, parts in ((LEXICAL_PASSAGES, texts), (LEXICAL_SENTENCES, sentences)):
        (staging / name).mkdir(parents=True)
        LexicalIndex(parts).save(staging / name)
    Acronyms(texts).save(staging / ACRONYMS_FILE)


def read_passages(version_dir: Path) -> list[Passage]:
    """The passages of one version, without loading its vectors (for build summaries)."""
    with (version_dir / "passages.jsonl").open(encoding="utf-8") as handle:
        return [Passage.model_validate_json(line) for line in handle if line.strip()]


def switch_current(root: Path, target: Path) -> None:
    """Atomically point ``current`` at ``target`` (a symlink replaced by rename)."""
    link = root / f".{CURRENT}.{os.getpid()}"
    try:
        if link.is_symlink() or link.exists():
            link.unlink()
        os.symlink(Path(VERSIONS) / target.name, link)
        os.replace(link, root / CURRENT)
    except OSError as exc:
        link.unlink(missing_ok=True)
        reason = exc.strerror or exc
        raise IndexWriteError(f"cannot switch {root / CURRENT} to {target.name}: {reason}") from exc
    fd = os.open(root, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def list_versions(root: Path) -> list[Path]:
    """Complete versions, oldest first (version names sort by build time)."""
    versions = root / VERSIONS
    if not versions.is_dir():
        return []
    return sorted(p for p in versions.iterdir() if p.is_dir() and not p.name.startswith("."))


def prune_versions(root: Path, *, keep: int) -> None:
    """Delete all but the newest ``keep`` versions, never the current one."""
    try:
        current = current_path(root)
    except IndexNotFound:
        current = None
    for old in list_versions(root)[: max(0, len(list_versions(root)) - keep)]:
        if old.resolve() != current:
            # Hide it first (one rename), so a kill mid-delete never leaves a half version in the list.
            doomed = old.with_name(f".{old.name}.deleting")
            os.rename(old, doomed)
            shutil.rmtree(doomed, ignore_errors=True)


def rollback(root: Path) -> Path:
    """Point ``current`` at the version built before it; return that version's directory."""
    current = current_path(root)
    older = [p for p in list_versions(root) if p.name < current.name]
    if not older:
        raise IndexNotFound(
            f"no version older than {current.name} is kept under {root}; nothing to roll back to"
        )
    read_manifest(older[-1])
    switch_current(root, older[-1])
    return older[-1]
