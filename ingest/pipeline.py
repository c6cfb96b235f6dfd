"""The one glue module: sources -> parsed documents -> passages -> vectors -> a new index version."""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

from index.errors import SourceError
from index.models import Manifest, Passage, Section, SourceInfo
from index.sentences import sentence_spans
from index.store import write_index
from ingest.chunking import DEFAULT_CHUNK_SIZE
from ingest.embedder import Embedder
from ingest.passages import passages_of, sections_of
from ingest.sources import expand, parse_source, read_source


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


@dataclass
class BuildReport:
    """What a build made, for the CLI summary and the admin status."""

    version: str
    path: Path
    documents: list[str]
    passage_count: int
    section_count: int
    seconds: float
    extra: dict[str, int] = field(default_factory=dict)


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
) -> BuildReport:
    """Read, parse, chunk and embed the sources, and write them as the new current version.

    Every source is read and parsed before anything is written, so a bad file
    fails the build with the previous version untouched.
    """
    began = time.perf_counter()
    read = [read_source(path) for path in expand(sources)]
    names = [s.document for s in read]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SourceError(f"two sources would share the document id {duplicates[0]!r}; rename one")
    passages: list[Passage] = []
    sections: list[Section] = []
    texts: dict[str, str] = {}
    infos: list[SourceInfo] = []
    for source in read:
        doc = parse_source(source)
        doc_passages = passages_of(doc, chunk_size=chunk_size)
        if not doc_passages:
            raise SourceError(f"{source.path}: no passage could be made from it")
        passages.extend(doc_passages)
        sections.extend(sections_of(doc))
        texts[doc.document] = doc.text
        infos.append(
            SourceInfo(
                document=doc.document,
                path=str(source.path),
                sha256=source.sha256,
                format=source.format,
                title=doc.title,
            )
        )
    if progress:
        print(f"embedding {len(passages)} passages with {embedder.name}", file=sys.stderr)
    inputs = [embedding_input(p) for p in passages]
    sentences = [text for p in passages for text in sentence_inputs(p)]
    if progress:
        print(f"and their {len(sentences)} sentences", file=sys.stderr)
    all_vectors = embedder.embed(inputs + sentences, progress=progress)
    vectors, sentence_vectors = all_vectors[: len(inputs)], all_vectors[len(inputs) :]
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
        sentence_vectors=sentence_vectors,
        keep=keep,
    )
    return BuildReport(
        version=manifest.version,
        path=path,
        documents=[i.document for i in infos],
        passage_count=len(passages),
        section_count=len(sections),
        seconds=round(time.perf_counter() - began, 3),
    )
