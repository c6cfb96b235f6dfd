"""Checking an index version against itself and against its sources.

``verify_index`` lists every difference it finds (an empty list means the index is
sound): files against the manifest's hashes, counts against the manifest, every
citation span against the canonical text, and every source against the hash it
had at build time.  ``stale_sources`` is the cheap part of that, for ``/readyz``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from index.errors import ReportQAError
from index.models import Manifest, SourceInfo
from index.store import current_path, file_sha256, load_index, read_manifest


def source_difference(source: SourceInfo) -> str | None:
    """Why a source no longer matches the build, or None when it does."""
    path = Path(source.path)
    try:
        actual = file_sha256(path)
    except FileNotFoundError:
        return f"source {path} (document {source.document}) is gone since the build"
    except OSError as exc:
        return f"source {path} cannot be read: {exc.strerror or exc}"
    if actual != source.sha256:
        return f"source {path} changed since the build (sha256 {actual[:12]} != {source.sha256[:12]})"
    return None


def stale_sources(manifest: Manifest) -> list[str]:
    """One line per source that changed (or went) after ``manifest``'s build."""
    return [line for source in manifest.sources if (line := source_difference(source)) is not None]


def verify_index(root: Path, *, sources: Sequence[Path] | None = None) -> list[str]:
    """Every difference between the current index under ``root`` and what it should be."""
    directory = current_path(root)
    manifest = read_manifest(directory)
    problems: list[str] = []
    for name, expected in sorted(manifest.files.items()):
        path = directory / name
        if not path.is_file():
            problems.append(f"{path} is missing")
        elif file_sha256(path) != expected:
            problems.append(f"{path} does not match its manifest hash")
    if not problems:
        try:
            index = load_index(root, version_dir=directory)
        except ReportQAError as exc:
            problems.append(str(exc))
        else:
            if len(index.sections) != manifest.section_count:
                problems.append(f"{len(index.sections)} sections, manifest says {manifest.section_count}")
            documents = {s.document for s in manifest.sources}
            if set(index.texts) != documents:
                problems.append(f"texts for {sorted(index.texts)}, manifest sources {sorted(documents)}")
            for passage in index.passages:
                c = passage.citation
                text = index.texts.get(c.document)
                if text is None or text[c.start : c.end] != passage.text:
                    problems.append(f"passage {passage.id} does not match {c.document}[{c.start}:{c.end}]")
            for section in index.sections:
                text = index.texts.get(section.document, "")
                if not 0 <= section.start <= section.end <= len(text):
                    problems.append(f"section {section.document}/{section.id} spans outside its text")
    problems.extend(stale_sources(manifest))
    if sources is not None:
        from ingest.sources import expand

        built = {Path(s.path).resolve() for s in manifest.sources}
        configured = {p.resolve() for p in expand(sources)}
        problems.extend(f"source {p} is configured but not in the index" for p in sorted(configured - built))
        problems.extend(f"source {p} is in the index but not configured" for p in sorted(built - configured))
    return problems
