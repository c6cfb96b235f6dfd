"""Citation links: where a citation opens in the reader view, and on which page of the original PDF.

One base URL for every link of a response: ``REPORTQA_PUBLIC_URL`` when set (a service behind
a proxy knows its public address only from it), else the origin the request came in on.
Pure apart from reading the index's table of stored originals.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from index.store import LoadedIndex

PDF = "application/pdf"


def base_url(public_url: str | None, request_base: str | None) -> str | None:
    """The base every link starts with: the configured public URL, else the request's; no trailing slash."""
    chosen = public_url or request_base
    return chosen.rstrip("/") if chosen else None


def document_path(document: str) -> str:
    """``/documents/<id>``, the id quoted whole (ids are URL-safe already; quoting keeps it so)."""
    return f"/documents/{quote(document, safe='')}"


@dataclass(frozen=True)
class Links:
    """The links of one index version, from one base URL."""

    base: str
    index: LoadedIndex

    def document(self, document: str) -> str:
        """The reader view of a whole document."""
        return f"{self.base}{document_path(document)}"

    def passage(self, document: str, passage_id: str, highlight: tuple[int, int] | None = None) -> str:
        """The reader view scrolled to a passage (the ``#p-`` anchor), its answer span marked when given."""
        query = {"passage": passage_id}
        if highlight is not None and highlight[0] < highlight[1]:
            query["highlight"] = f"{highlight[0]}-{highlight[1]}"
        return f"{self.document(document)}?{urlencode(query)}#p-{passage_id}"

    def source(self, document: str) -> str | None:
        """The original file, when this version keeps it (``None`` for an index built before)."""
        if document not in self.index.documents:
            return None
        return f"{self.document(document)}/source"

    def source_page(self, document: str, page: int | None) -> str | None:
        """The original PDF opened at a printed page (``#page=N`` counts the file's pages); else ``None``."""
        record = self.index.documents.get(document)
        if record is None or record.media_type != PDF or page is None:
            return None
        return f"{self.document(document)}/source#page={record.file_page(page)}"
