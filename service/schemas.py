"""The HTTP contract: what clients send and receive.

Kept apart from the index records in ``index/models.py`` so the index format and
the API can change independently.  Response field names are a contract: add
fields freely, never rename or remove one.  The constrained input types
(``Question``, ``TopK``, ``SectionFilter``, ``DocumentFilter``) are shared by ``POST /ask``,
``GET /ask`` and ``reportqa ask`` so that all three validate alike.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict, StringConstraints
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

MAX_QUESTION_CHARS = 1000
MIN_TOP_K = 1
MAX_TOP_K = 20
DEFAULT_TOP_K = 5

EXAMPLE_QUESTION = "How do remittances contribute to development?"
EXAMPLE_TITLE = "The High-Level Dialogue on International Migration and Development and Beyond"


def _check_question(value: str) -> str:
    """Strip the question and refuse blank or overlong ones with a message saying what to fix."""
    question = value.strip()
    if not question:
        raise PydanticCustomError(
            "question_blank", "question must not be blank; ask something about the report"
        )
    if len(question) > MAX_QUESTION_CHARS:
        raise PydanticCustomError(
            "question_too_long",
            "question is {length} characters long; shorten it to at most {limit}",
            {"length": len(question), "limit": MAX_QUESTION_CHARS},
        )
    return question


def _blank_section_is_none(value: object) -> object:
    """``?section=`` (an empty form field) means "no filter", not "the section named ''"; so for document."""
    if isinstance(value, str):
        return value.strip() or None
    return value


Question = Annotated[
    str,
    AfterValidator(_check_question),
    Field(description=f"A question about the report; not blank, at most {MAX_QUESTION_CHARS} characters."),
]
TopK = Annotated[
    int,
    Field(ge=MIN_TOP_K, le=MAX_TOP_K, description="How many passages to return, best first."),
]
SectionFilter = Annotated[
    Annotated[str, StringConstraints(max_length=100)] | None,
    BeforeValidator(_blank_section_is_none),
    Field(
        description="Only passages in this section: an id such as 'B.4', or a part such as 'B' "
        "for all of its subsections; of every document, or of `document` when given. "
        "GET /sections lists the ids.",
    ),
]
DocumentFilter = Annotated[
    Annotated[str, StringConstraints(max_length=200)] | None,
    BeforeValidator(_blank_section_is_none),
    Field(
        description="Only passages of this document, by its id (GET /sections lists the documents); "
        "`section` then applies within it.",
    ),
]


class AskRequest(BaseModel):
    """The body of ``POST /ask``. Unknown fields are refused so typos (``topk``) do not pass silently."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"question": EXAMPLE_QUESTION, "top_k": 5},
                {
                    "question": "What did the Global Commission on International Migration do?",
                    "top_k": 3,
                    "section": "A",
                },
                {
                    "question": "What does the licence say about patents?",
                    "document": "gpl-3.0",
                    "section": "11",
                },
            ]
        },
    )

    question: Question
    # Strict in JSON bodies: `true` or `"5"` are a client bug worth reporting, not coercing.
    top_k: Annotated[TopK, Strict()] = DEFAULT_TOP_K
    section: SectionFilter = None
    document: DocumentFilter = None


class CitationOut(BaseModel):
    """Where a passage stands: document, section, page span and character offsets.

    ``page`` and ``page_end`` are null for a format without pages (Markdown, HTML, plain
    text with no page breaks): a citation never invents a page.
    """

    document: str = Field(examples=["high-level-dialogue-2006"])
    document_title: str = Field(
        examples=[EXAMPLE_TITLE],
        description="The document's title (its id when it has none).",
    )
    section: str = Field(examples=["B.4"], description="The section's label, unique within its document.")
    title: str = Field(examples=["Remittances as a tool of development"])
    page: int | None = Field(examples=[6], description="First page; null for a format without pages.")
    page_end: int | None = Field(examples=[6], description="Last page; null for a format without pages.")
    start: int = Field(description="Offset of the passage's first character in the document's text.")
    end: int = Field(description="Offset one past the passage's last character.")
    footnote: int | None = Field(None, description="The footnote number when the passage is a footnote.")
    url: str | None = Field(
        None,
        examples=[
            "https://qa.example.org/documents/high-level-dialogue-2006"
            "?passage=a1b2c3d4e5f60718&highlight=0-72#p-a1b2c3d4e5f60718"
        ],
        description="The passage in the reader view, scrolled to and highlighted (with the answer's span "
        "when there is one); based on REPORTQA_PUBLIC_URL, else the request's origin.",
    )
    source_url: str | None = Field(
        None,
        examples=["https://qa.example.org/documents/report/source#page=8"],
        description="For a PDF: the original file opened at the passage's page; null otherwise.",
    )


class Highlight(BaseModel):
    """A span of a passage's text: the sentence or two that best answer the question."""

    start: int = Field(description="Offset within the passage text.")
    end: int = Field(description="Offset one past the span's last character.")


class PassageOut(BaseModel):
    """One ranked passage of an answer."""

    id: str
    rank: int = Field(description="1 for the best match.")
    score: float = Field(description="Match with the question, 0 to 1; higher is better.")
    text: str
    citation: CitationOut
    highlight: Highlight | None = Field(
        None, description="The sentence(s) of this passage that best answer the question."
    )


class AnswerOut(BaseModel):
    """The single best extractive answer: a sentence or two quoted from the report, never generated."""

    text: str
    passage_id: str
    citation: CitationOut


class IndexInfo(BaseModel):
    """Which index version answered, so an answer can be traced to a build."""

    version: str
    built_at: str
    model: str = Field(description="Embedding model that built the index and embeds questions.")
    model_kind: Literal["base", "tuned"] = Field(
        description="base: the model as shipped (a tuned one may be on its way); tuned: fine-tuned on "
        "questions about the corpus, its digest after '@tuned-' in model."
    )


_EXAMPLE_TEXT = "Remittances are the most tangible benefit of international migration ..."
_EXAMPLE_CITATION: JsonDict = {
    "document": "high-level-dialogue-2006",
    "document_title": EXAMPLE_TITLE,
    "section": "B.4",
    "title": "Remittances as a tool of development",
    "page": 6,
    "page_end": 6,
    "start": 12345,
    "end": 13021,
    "footnote": None,
}
_EXAMPLE_INDEX: JsonDict = {
    "version": "20250101T120000Z-3f2a9c1b",
    "built_at": "2025-01-01T12:00:00+00:00",
    "model": "all-MiniLM-L6-v2@tuned-b4b5b86220fa",
    "model_kind": "tuned",
}


class AskResponse(BaseModel):
    """The answer to ``/ask``: the question as understood and the passages that answer it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "question": EXAMPLE_QUESTION,
                    "passages": [
                        {
                            "id": "a1b2c3d4e5f60718",
                            "rank": 1,
                            "score": 0.71,
                            "text": _EXAMPLE_TEXT,
                            "citation": _EXAMPLE_CITATION,
                            "highlight": {"start": 0, "end": 72},
                        }
                    ],
                    "index": _EXAMPLE_INDEX,
                    "answer": {
                        "text": _EXAMPLE_TEXT[:72],
                        "passage_id": "a1b2c3d4e5f60718",
                        "citation": _EXAMPLE_CITATION,
                    },
                    "answerable": True,
                    "confidence": 0.93,
                    "reason": None,
                }
            ]
        }
    )

    question: str
    passages: list[PassageOut]
    index: IndexInfo
    context: str = Field(
        "",
        description="The passages numbered [1], [2], ... each followed by its source, "
        "ready to paste into a language model's prompt so that it cites the same numbers.",
    )
    answer: AnswerOut | None = Field(
        None, description="The best extractive answer; given even when not answerable, as the closest text."
    )
    answerable: bool = Field(True, description="Whether the report appears to answer the question at all.")
    confidence: float = Field(
        1.0, ge=0.0, le=1.0, description="Calibrated probability that the report answers the question."
    )
    reason: str | None = Field(None, description="When not answerable: why, in words a person can check.")
    verdict: str | None = Field(
        None,
        description="When not answerable: the line to show first, naming what was asked: 'The report does "
        "not appear to answer this.', or 'These documents ...' for a question over several documents.",
    )


class SectionOut(BaseModel):
    """One entry of the table of contents; ``page`` and ``page_end`` are null for a format without pages."""

    document: str
    id: str
    title: str
    page: int | None
    page_end: int | None


class DocumentOut(BaseModel):
    """One indexed document with its own table of contents."""

    id: str = Field(description="The document id: the value of the `document` filter of /ask.")
    title: str = Field(description="The document's title (its id when it has none).")
    format: str = Field(examples=["txt", "md", "html", "pdf"], description="The source's format.")
    sections: list[SectionOut]


class DocumentSummary(BaseModel):
    """One indexed document, with links to its reader view and its original file."""

    id: str = Field(examples=["high-level-dialogue-2006"])
    title: str = Field(
        examples=[EXAMPLE_TITLE], description="The document's title (its id when it has none)."
    )
    format: str = Field(examples=["txt", "md", "html", "pdf"], description="The source's format.")
    section_count: int
    url: str = Field(description="The reader view: the document's outline and text, by section and page.")
    source_url: str | None = Field(
        description="The original file as indexed; null for an index built before originals were kept."
    )


class DocumentsResponse(BaseModel):
    """The indexed documents, in index order."""

    documents: list[DocumentSummary]
    index: IndexInfo


class SectionsResponse(BaseModel):
    """The table of contents of every indexed document, in document order.

    ``sections`` is every section of every document in one list; ``documents`` holds the
    same sections grouped by document, with each document's title.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "sections": [
                        {
                            "document": "high-level-dialogue-2006",
                            "id": "B.4",
                            "title": "Remittances as a tool of development",
                            "page": 6,
                            "page_end": 7,
                        }
                    ],
                    "documents": [
                        {
                            "id": "high-level-dialogue-2006",
                            "title": EXAMPLE_TITLE,
                            "format": "txt",
                            "sections": [
                                {
                                    "document": "high-level-dialogue-2006",
                                    "id": "B.4",
                                    "title": "Remittances as a tool of development",
                                    "page": 6,
                                    "page_end": 7,
                                }
                            ],
                        }
                    ],
                    "index": _EXAMPLE_INDEX,
                }
            ]
        }
    )

    sections: list[SectionOut]
    documents: list[DocumentOut] = Field(
        default_factory=list, description="The same sections grouped by document, in index order."
    )
    index: IndexInfo


class PassageResponse(BaseModel):
    """One passage by id, with its citation."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "a1b2c3d4e5f60718",
                    "text": _EXAMPLE_TEXT,
                    "citation": _EXAMPLE_CITATION,
                    "index": _EXAMPLE_INDEX,
                }
            ]
        }
    )

    id: str
    text: str
    citation: CitationOut
    index: IndexInfo


class Health(BaseModel):
    """The process is up (says nothing about the index)."""

    status: str = Field(examples=["ok"])


class Ready(BaseModel):
    """The index is loaded and questions can be answered (``stale``: a source changed since the build)."""

    status: str = Field(examples=["ready", "stale"])
    version: str
    passage_count: int
    model: str
    model_kind: Literal["base", "tuned"]
    built_at: str
    tuning: str | None = Field(
        None, description="The background tuning's state (tuning, building, done, failed ...), if one ran."
    )
    stale: list[str] = Field(default_factory=list, description="Sources changed since the build.")
    reload_error: str | None = Field(None, description="Why a newer version could not be loaded.")


class NotReady(BaseModel):
    """No usable index: the detail says why and how to fix it."""

    status: str = Field(examples=["not ready"])
    detail: str = Field(
        examples=["no index at data/index; run: reportqa ingest (the service loads the new index by itself)"]
    )


class ErrorOut(BaseModel):
    """Any error: one readable line saying what to fix."""

    detail: str


class ValidationErrorOut(BaseModel):
    """A 422: one readable line naming the field and the fix, plus the machine-readable errors."""

    detail: str = Field(examples=["question must not be blank; ask something about the report"])
    errors: list[dict[str, object]]


class Reloaded(BaseModel):
    """The outcome of ``POST /admin/reload``."""

    swapped: bool = Field(description="Whether a new version was swapped in.")
    version: str | None = Field(description="The version now being served.")
    error: str | None = Field(None, description="Why the version `current` points at could not be loaded.")


class ReindexStarted(BaseModel):
    """``POST /admin/reindex`` accepted; follow it with ``GET /admin/status``."""

    status: str = Field(examples=["started"])
    phase: str


class AdminStatus(BaseModel):
    """What is being served and how the last rebuild went."""

    version: str | None
    pointer: str | None = Field(description="Where the `current` pointer points on disk.")
    reload_error: str | None
    running: bool
    phase: str = Field(examples=["idle", "reading", "embedding", "writing", "swapping", "failed"])
    started_at: str | None
    finished_at: str | None
    last_build: dict[str, object] | None = Field(
        description="version, previous, passage_count, documents, seconds, and the summary counts "
        "added, changed, unchanged, removed, embedded"
    )
    last_error: str | None
    model: str | None = Field(None, description="The model of the version served.")
    model_kind: Literal["base", "tuned"] | None = None
    tuning: dict[str, object] | None = Field(
        None,
        description="The background tuning: state, model, progress (phase, done, total, percent, "
        "eta_seconds), version built, detail, log; null when none ran for this index directory.",
    )
