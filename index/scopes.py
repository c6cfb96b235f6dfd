"""Which passages a question may search: every document, one document, or a section of either.

Section ids are unique only within a document (a report and a licence may both have a
section "1"), so a scope is a pair: an optional document id and an optional section id.
A section id covers its subsections ("B" covers "B.4"); without a document it matches
that id in every document.  Everything is worked out once per loaded index, so a
question's scope costs a dictionary lookup and one boolean array, whatever the corpus.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from index.models import Manifest, Passage, Section


@dataclass(frozen=True)
class DocumentInfo:
    """A document of the index: its id, its title (the id when it has none) and its format."""

    id: str
    title: str
    format: str


def section_parts(section: str) -> list[str]:
    """The section and every part above it, outermost first: "B.4.2" -> ["B", "B.4", "B.4.2"]."""
    pieces = section.split(".")
    return [".".join(pieces[:end]) for end in range(1, len(pieces) + 1)]


def documents_of(
    manifest: Manifest, sections: Sequence[Section], passages: Sequence[Passage]
) -> list[DocumentInfo]:
    """Every document in index order: the manifest's sources first, then any other that holds text.

    An index written without sources in its manifest (older builds, tests) still names
    each document, by its id.
    """
    found: dict[str, DocumentInfo] = {}
    for source in manifest.sources:
        found.setdefault(
            source.document, DocumentInfo(source.document, source.title or source.document, source.format)
        )
    for document in [s.document for s in sections] + [p.citation.document for p in passages]:
        found.setdefault(document, DocumentInfo(document, document, ""))
    return list(found.values())


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


class Scopes:
    """The documents of an index, the section ids each accepts, and the passage rows of every scope."""

    def __init__(self, manifest: Manifest, sections: Sequence[Section], passages: Sequence[Passage]) -> None:
        self.documents = {info.id: info for info in documents_of(manifest, sections, passages)}
        self.size = len(passages)
        self.everywhere = np.ones(self.size, dtype=bool)
        own: dict[str, list[str]] = {document: [] for document in self.documents}
        for section in sections:
            own[section.document].append(section.id)
        rows: dict[tuple[str | None, str | None], list[int]] = {}
        for row, passage in enumerate(passages):
            citation = passage.citation
            own[citation.document].append(citation.section)
            rows.setdefault((citation.document, None), []).append(row)
            for part in section_parts(citation.section):
                rows.setdefault((citation.document, part), []).append(row)
                rows.setdefault((None, part), []).append(row)
        self._rows = {key: np.asarray(found, dtype=np.int64) for key, found in rows.items()}
        self._document_masks = {
            document: self._mask_of(self._rows.get((document, None))) for document in self.documents
        }
        self._section_ids: dict[str | None, list[str]] = {
            document: _unique(part for section in ids for part in section_parts(section))
            for document, ids in own.items()
        }
        self._section_ids[None] = _unique(s for ids in self._section_ids.values() for s in ids)
        self._known = {document: frozenset(ids) for document, ids in self._section_ids.items()}
        self._folded = {
            document: {section.casefold(): section for section in reversed(ids)}
            for document, ids in self._section_ids.items()
        }
        self._documents_folded = {document.casefold(): document for document in reversed(self.documents)}

    def _mask_of(self, rows: np.ndarray | None) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        if rows is not None:
            mask[rows] = True
        return mask

    def title_of(self, document: str) -> str:
        info = self.documents.get(document)
        return info.title if info is not None else document

    def section_ids(self, document: str | None = None) -> list[str]:
        """Every section filter ``document`` accepts (every document's when None), in document order.

        Ids and their parts: "B" as well as "B.4".  Empty for an unknown document.
        """
        return self._section_ids.get(document, [])

    def find_document(self, document: str) -> str | None:
        """The document's id as the index spells it ("Licence" -> "licence"), or None."""
        if document in self.documents:
            return document
        return self._documents_folded.get(document.casefold())

    def find_section(self, section: str, document: str | None = None) -> str | None:
        """The section id as ``document`` spells it ("b.4" -> "B.4"), or None when it has no such section."""
        if section in self._known.get(document, frozenset()):
            return section
        return self._folded.get(document, {}).get(section.casefold())

    def mask(self, *, document: str | None = None, section: str | None = None) -> np.ndarray:
        """The passages in scope as a boolean array over rows; all False for a scope with no passage.

        The arrays for no scope and for a whole document are shared: do not write to them.
        """
        if document is None and section is None:
            return self.everywhere
        if section is None:
            assert document is not None
            found = self._document_masks.get(document)
            return found if found is not None else self._mask_of(None)
        return self._mask_of(self._rows.get((document, section)))
