"""``/passages/{id}``: one passage by its (content-addressed, rebuild-stable) id."""

from __future__ import annotations

from fastapi import APIRouter

from service.answers import passage_detail
from service.deps import LinksDep, RetrieverDep
from service.schemas import ErrorOut, PassageResponse

router = APIRouter(tags=["passages"])


@router.get(
    "/passages/{passage_id}",
    response_model=PassageResponse,
    responses={404: {"model": ErrorOut, "description": "No passage with this id."}, 503: {"model": ErrorOut}},
)
def passage(passage_id: str, retriever: RetrieverDep, links: LinksDep) -> PassageResponse:
    """The passage's full text and citation, with its link in the reader view (ids come from ``/ask``)."""
    return passage_detail(retriever, passage_id, links)
