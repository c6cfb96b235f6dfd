"""The one glue module: sources -> parsed documents -> passages -> vectors -> a new index version."""

from __future__ import annotations

import functools
import hashlib
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Protocol

from index.embedder import Embedder, embed_in_steps
from index.errors import IndexNotFound, SourceError
from index.lock import build_lock
from index.model_cache import default_cache_dir
from index.models import ANN_ABOVE, Manifest, Passage, Section, SourceInfo
from index.sentences import sentence_spans
from index.store import OriginalFile, current_path, read_passages, write_index
from ingest.changes import ChangeSummary, compare
from ingest.chunking import DEFAULT_CHUNK_SIZE
from ingest.document import ParsedDocument
from ingest.embed_cache import CachingEmbedder, caching, token_codes
from ingest.passages import passages_of, sections_of
from ingest.progress import Progress
from ingest.shipped import SHIPPED_REPORT
from ingest.sources import MEDIA_TYPES, Source, find_sources, parse_source, read_each, read_source

logger = logging.getLogger(__name__)

AXES_REFERENCE = SHIPPED_REPORT
"""The text every build's token axes are fitted on (the shipped report), whatever the corpus.

Fitted on the corpus, the axes followed whichever documents were most numerous, and adding a
library beside the report moved the report's codes and its first hits (docs/decisions.md,
"Axes fitted on a reference text").
"""


def tool_version() -> str:
    try:
        return package_version("reportqa")
    except PackageNotFoundError:
        return "0+unknown"


def embedding_input(passage: Passage) -> str:
    """What the model sees for a passage: its section title, then its text.

    The title is strong evidence of what a paragraph is about (a question about
    going back home belongs to "Return migration") even when the paragraph's own
    words do not say it.
    """
    return f"{passage.citation.title}. {passage.text}"


def sentence_inputs(passage: Passage) -> list[str]:
    """What the model sees for each sentence of a passage (scored on its own at query time)."""
    return [passage.text[start:end] for start, end in sentence_spans(passage.text)]


def sentence_rows(passages: Sequence[Passage]) -> list[tuple[int, int, int]]:
    """``(passage row, start, end)`` of every sentence, in passage order, as a version stores them."""
    return [(row, start, end) for row, p in enumerate(passages) for start, end in sentence_spans(p.text)]


@dataclass
class BuildReport:
    """What a build made, for the CLI summary and the admin status."""

    version: str
    path: Path
    documents: list[str]
    passage_count: int
    section_count: int
    seconds: float
    summary: ChangeSummary = field(default_factory=lambda: ChangeSummary(0, 0, 0, 0, 0))
    previous: str | None = None
    """The version that was current when the build began, if any."""
    warnings: list[str] = field(default_factory=list)
    """One line per file found in a folder and skipped (``skipped <path>: <reason>``)."""


Tune = Callable[[Embedder, Sequence[Passage]], Embedder]
"""Given the embedder and the build's passages, the embedder to build with."""
Phase = Callable[[str], None]
Read = Callable[[Path], tuple[Source, ParsedDocument, list[Passage]]]
"""One source file read, parsed and cut into passages (raises SourceError naming the file)."""


class Executor(Protocol):
    """Where a build parses and embeds: this process when none is given, a Ray cluster with
    ``ingest/ray_ingest.py``.  Both hooks only move work; what is built stays the same."""

    def reader(self, paths: Sequence[Path], read: Read) -> Read:
        """Run ``read`` on every path ahead; return a ``Read`` that gives each path's result or error."""

    def embedder(self, embedder: Embedder, passages: Sequence[Passage], cache: Path | None) -> Embedder:
        """An embedder that gives ``embedder``'s vectors, those these passages need computed ahead.

        ``cache`` is the model cache the build reads cached embeddings from (None: it caches nothing).
        """


def _quiet(phase: str) -> None:
    return None


def previous_passages(root: Path) -> tuple[str | None, list[Passage]]:
    """The current version's name and passages, or nothing when there is no readable current version."""
    try:
        directory = current_path(root)
        return directory.name, read_passages(directory)
    except (IndexNotFound, OSError, ValueError):
        return None, []


def new_version(sources_digest: str) -> str:
    """Version names sort by build time and say what they were built from."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{sources_digest[:8]}"


def build_index(
    sources: Sequence[Path],
    root: Path,
    *,
    embedder: Embedder,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    keep: int = 3,
    progress: bool = True,
    cache: bool = True,
    activate: bool = True,
    tune: Tune | None = None,
    on_phase: Phase = _quiet,
    cache_dir: Path | None = None,
    ann_above: int = ANN_ABOVE,
    executor: Executor | None = None,
) -> BuildReport:
    """Read, parse, chunk and embed the sources, and write them as the new current version.

    Every source is read and parsed before anything is written, so a bad file
    fails the build with the previous version untouched.  A bad file found in a
    folder is skipped instead, with a warning on the report (and on stderr, or in
    the log when ``progress`` is off); a folder with nothing readable fails.  Embeddings come from the
    model cache ``cache_dir`` (default: the user's, ``index/model_cache.py``) when the same text
    was embedded before, so a rebuild after an edit embeds only what changed.  One build runs at
    a time per ``root``.
    ``tune`` may swap the embedder for one fine-tuned on these passages
    (``ingest/tuning.py``).  Over ``ann_above`` passages the dense index is approximate
    (``index/dense.py``).  ``executor`` parses and embeds elsewhere (a Ray cluster).
    """
    began = time.perf_counter()
    with build_lock(root):
        on_phase("reading")
        previous, before = previous_passages(root)
        found = find_sources(sources)
        read: Read = functools.partial(read_document, chunk_size=chunk_size)
        if executor is not None:
            read = executor.reader([item.path for item in found], read)
        with Progress("reading", len(found), unit="files", enabled=progress) as counter:

            def read_one(path: Path) -> tuple[Source, ParsedDocument, list[Passage]]:
                try:
                    return read(path)
                finally:
                    counter.advance()

            documents, warnings = read_each(found, read_one)
        for warning in warnings:
            _warn(warning, progress=progress)
        names = [source.document for source, _, _ in documents]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise SourceError(f"two sources would share the document id {duplicates[0]!r}; rename one")
        passages: list[Passage] = []
        sections: list[Section] = []
        texts: dict[str, str] = {}
        infos: list[SourceInfo] = []
        originals: list[OriginalFile] = []
        for source, doc, doc_passages in documents:
            passages.extend(doc_passages)
            sections.extend(sections_of(doc))
            texts[doc.document] = doc.text
            infos.append(
                SourceInfo(
                    document=doc.document,
                    path=str(source.path.resolve()),
                    sha256=source.sha256,
                    format=source.format,
                    title=doc.title,
                )
            )
            originals.append(original_file(source, doc))
        if tune is not None:
            on_phase("tuning")
            embedder = tune(embedder, passages)
        on_phase("embedding")
        models = cache_dir if cache_dir is not None else default_cache_dir()
        if executor is not None:
            embedder = executor.embedder(embedder, passages, models if cache else None)
        model: Embedder = caching(embedder, models) if cache else embedder
        inputs = [embedding_input(p) for p in passages]
        spans = sentence_rows(passages)
        sentences = [passages[row].text[start:end] for row, start, end in spans]
        if progress:
            print(
                f"embedding {len(passages)} passages and their {len(sentences)} sentences "
                f"with {embedder.name}",
                file=sys.stderr,
            )
        # Token vectors first: their forward pass gives the passage vectors too (kept in the cache).
        with Progress("token vectors", len(inputs), unit="passages", enabled=progress) as counter:
            passage_tokens = token_codes(
                embedder,
                inputs,
                models if cache else None,
                reference=reference_inputs(),
                advance=counter.advance,
                on_vector=model.remember if isinstance(model, CachingEmbedder) else None,
            )
        with Progress("embedding passages", len(inputs), enabled=progress) as counter:
            vectors = embed_in_steps(model, inputs, advance=counter.advance)
        with Progress("embedding sentences", len(sentences), enabled=progress) as counter:
            sentence_vectors = embed_in_steps(model, sentences, advance=counter.advance)
        embedded = model.embedded if isinstance(model, CachingEmbedder) else len(inputs) + len(sentences)
        on_phase("writing")
        digest = hashlib.sha256("".join(sorted(i.sha256 for i in infos)).encode()).hexdigest()
        manifest = Manifest(
            version=new_version(digest),
            model=embedder.name,
            dimension=embedder.dimension,
            passage_count=len(passages),
            section_count=len(sections),
            sources=infos,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            tool_version=tool_version(),
        )
        path = write_index(
            root,
            manifest=manifest,
            passages=passages,
            sections=sections,
            texts=texts,
            vectors=vectors,
            sentences=spans,
            sentence_vectors=sentence_vectors,
            passage_tokens=passage_tokens,
            originals=originals,
            keep=keep,
            activate=activate,
            ann_above=ann_above,
        )
        if isinstance(model, CachingEmbedder):
            _save_cache(model)
        on_phase("done")
    return BuildReport(
        version=manifest.version,
        path=path,
        documents=[i.document for i in infos],
        passage_count=len(passages),
        section_count=len(sections),
        seconds=round(time.perf_counter() - began, 3),
        summary=compare(before, passages, embedded=embedded),
        previous=previous,
        warnings=warnings,
    )


def reference_inputs(path: Path = AXES_REFERENCE) -> tuple[str, ...] | None:
    """What the model sees of the reference text's passages; None (fit on the corpus) if it is missing."""
    try:
        _, _, passages = read_document(path)
    except SourceError as exc:
        logger.warning("token axes fitted on the corpus: %s", exc)
        return None
    return tuple(embedding_input(passage) for passage in passages)


def source_passages(sources: Sequence[Path], chunk_size: int = DEFAULT_CHUNK_SIZE) -> list[Passage]:
    """The passages a build of ``sources`` would embed (files skipped in a folder, skipped here too)."""
    documents, _ = read_each(find_sources(sources), lambda path: read_document(path, chunk_size))
    return [passage for _, _, passages in documents for passage in passages]


def original_file(source: Source, doc: ParsedDocument) -> OriginalFile:
    """What the version keeps of a source: its bytes as read, and where the document's pages fall.

    A text file in another charset than UTF-8 is served without one: the browser then reads
    the page's own declaration, or guesses.
    """
    media_type = MEDIA_TYPES.get(source.format, "application/octet-stream")
    if source.raw and source.charset != "utf-8":
        media_type = media_type.split(";")[0]
    return OriginalFile(
        document=doc.document,
        extension=source.format,
        data=source.data,
        media_type=media_type,
        page_breaks=doc.page_breaks,
        file_pages=doc.file_pages,
    )


def read_document(
    path: Path, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> tuple[Source, ParsedDocument, list[Passage]]:
    """One source read, parsed and cut into passages; any step may raise SourceError naming the file.

    A reader's own failure on a file it should read (a defect, logged with its traceback)
    is a SourceError too, so a folder's build skips that file with a warning and indexes
    the rest, instead of one odd document stopping a library's rebuild.
    """
    source = read_source(path)
    try:
        doc = parse_source(source)
        passages = passages_of(doc, chunk_size=chunk_size)
    except SourceError:
        raise
    except Exception as exc:  # any reader defect, named with its file
        logger.exception("reading %s failed", path)
        raise SourceError(
            f"{path}: the {source.format} reader failed on it ({type(exc).__name__}: {exc}); "
            "please report it with the file"
        ) from exc
    if not passages:
        raise SourceError(f"{path}: no passage could be made from it; add the document's text to it")
    return source, doc, passages


def _warn(message: str, *, progress: bool) -> None:
    """A skipped file: on stderr beside the progress of a CLI build, in the log of a quiet one."""
    if progress:
        print(f"warning: {message}", file=sys.stderr)
    else:
        logger.warning("%s", message)


def _save_cache(model: CachingEmbedder) -> None:
    """Save the embedding cache; failing to is not worth failing a finished build over."""
    try:
        model.save()
    except OSError as exc:
        print(f"warning: embedding cache not saved ({exc.strerror or exc})", file=sys.stderr)
