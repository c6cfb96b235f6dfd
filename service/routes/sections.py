"""``/sections``: the table of contents, so clients know which section filters exist."""

from __future__ import annotations

from fastapi import APIRouter

from service.answers import table_of_contents
from service.deps import IndexDep
from service.schemas import ErrorOut, SectionsResponse

router = APIRouter(tags=["sections"])


@router.get("/sections", response_model=SectionsResponse, responses={503: {"model": ErrorOut}})
def sections(index: IndexDep) -> SectionsResponse:
    """Every section of every indexed document, in document order."""
    return table_of_contents(index)
