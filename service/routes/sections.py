"""``/sections``: the table of contents, so clients know which document and section filters exist."""

from __future__ import annotations

from fastapi import APIRouter

from service.answers import table_of_contents
from service.deps import RetrieverDep
from service.schemas import ErrorOut, SectionsResponse

router = APIRouter(tags=["sections"])


@router.get("/sections", response_model=SectionsResponse, responses={503: {"model": ErrorOut}})
def sections(retriever: RetrieverDep) -> SectionsResponse:
    """Every section of every indexed document, in document order; ``documents`` groups them by document."""
    return table_of_contents(retriever)
