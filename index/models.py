"""What an index holds: passages, their citations, the report's sections and the build manifest.

These are the on-disk records (serialised as JSON) and the in-memory ones; the HTTP
schemas in ``service/schemas.py`` are kept apart so the API can grow without
changing the index format.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

FORMAT_NAME = "reportqa-index"
FORMAT_VERSION = 3
METRIC = "inner_product"


class Citation(BaseModel):
    """Where a passage stands: enough for a person to find it in the report.

    ``start``/``end`` are character offsets into the document's canonical text
    (the cleaned text stored beside the index), so that
    ``canonical[start:end] == passage.text`` always holds.  ``page``/``page_end`` are
    None for a format without pages (Markdown, HTML, plain text with no page breaks):
    a citation never invents a page.
    """

    model_config = ConfigDict(frozen=True)

    document: str
    section: str
    title: str
    page: int | None
    page_end: int | None
    start: int
    end: int
    footnote: int | None = None


class Passage(BaseModel):
    """A citable unit of text: about a paragraph, inside exactly one section."""

    model_config = ConfigDict(frozen=True)

    id: str
    text: str
    citation: Citation


class Section(BaseModel):
    """One entry of a document's table of contents, with its span in the canonical text.

    ``id`` is unique within its document only: two documents may both have a section "1".
    """

    model_config = ConfigDict(frozen=True)

    document: str
    id: str
    title: str
    page: int | None
    page_end: int | None
    start: int
    end: int


class SourceInfo(BaseModel):
    """A source file as it was when the index was built, so staleness can be detected."""

    model_config = ConfigDict(frozen=True)

    document: str
    path: str
    sha256: str
    format: str
    title: str = ""


_NO_PAGES: tuple[int, int | None] = (0, None)


class StoredDocument(BaseModel):
    """What a version keeps of a document besides its passages: its original file and its pages.

    ``file`` is where the original bytes lie, relative to the version directory
    (``sources/<document>.<extension>``, hashed in the manifest like every data file), so a
    citation can be checked against exactly what was indexed even after the user edits or
    deletes the source.  ``page_breaks`` are the ``(offset, page)`` pairs of the canonical
    text (``[(0, None)]`` without pages); ``file_pages`` maps a printed page number to the
    1-based page of the file where they differ (a PDF whose front matter is numbered apart).
    """

    model_config = ConfigDict(frozen=True)

    document: str
    file: str
    media_type: str
    page_breaks: list[tuple[int, int | None]] = Field(default_factory=lambda: [_NO_PAGES])
    file_pages: dict[int, int] = Field(default_factory=dict)

    def file_page(self, page: int) -> int:
        """The page of the file (as a PDF viewer counts) on which printed page ``page`` stands."""
        return self.file_pages.get(page, page)


class Manifest(BaseModel):
    """The build record: what built the index, from what, and how to read it."""

    format: str = FORMAT_NAME
    format_version: int = FORMAT_VERSION
    version: str
    model: str
    dimension: int
    metric: str = METRIC
    passage_count: int
    section_count: int
    sources: list[SourceInfo] = Field(default_factory=list)
    built_at: str
    tool_version: str
    files: dict[str, str] = Field(
        default_factory=dict, description="sha256 of every data file of the version"
    )
    dense_index: str = Field(default="flat", description="flat (exact) or hnsw (approximate): index/dense.py")
    ann_recall_at_10: float | None = Field(
        default=None, description="for an HNSW index: recall@10 against exact search, measured at ingest"
    )
