"""The OpenAI-compatible endpoints, so any chat front end that speaks that API can ask the report.

``POST /v1/chat/completions`` takes the last user message as the question and replies
with the report's own words (see ``service.chat_reply``): never generated, always the
same top passage and citations as ``/ask``.  ``stream: true`` sends the same reply as
server-sent events in the OpenAI chunk format.  ``GET /v1/models`` lists the one model.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from service.chat_reply import citations, quotes_answer, reply_text
from service.chat_schemas import (
    MODEL_ID,
    ChatCompletion,
    ChatCompletionRequest,
    ChatMessageOut,
    Choice,
    ModelCard,
    ModelList,
)
from service.deps import AnswererDep, LinksDep, RetrieverDep
from service.schemas import AskRequest, ErrorOut, ValidationErrorOut

router = APIRouter(prefix="/v1", tags=["openai-compatible"])

_RESPONSES: dict[int | str, dict[str, object]] = {
    422: {"model": ValidationErrorOut, "description": "No user message, or a bad question."},
    503: {"model": ErrorOut, "description": "No index is loaded; build one with `reportqa ingest`."},
}
NO_USER_MESSAGE = "add a message with role 'user': the last one is the question"
# One chunk per line of the reply: small enough to look live, few enough to stay cheap.
_PIECES = re.compile(r"[^\n]*\n|[^\n]+")


def question_of(request: ChatCompletionRequest) -> AskRequest:
    """The last user message as a validated question (a 422 saying what to fix otherwise)."""
    users = [message for message in request.messages if message.role == "user"]
    try:
        if not users:
            AskRequest.model_validate({})  # raises "question is required"
        return AskRequest(
            question=users[-1].text(), top_k=request.top_k, section=request.section, document=request.document
        )
    except ValidationError as exc:
        errors = [{**error, "loc": ("body", "messages", -1, "content")} for error in exc.errors()]
        if not users:
            errors = [{"type": "no_question", "loc": ("body", "messages"), "msg": NO_USER_MESSAGE}]
        raise RequestValidationError(errors) from exc


def completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex}"


def sse(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"


def stream_reply(message: ChatMessageOut, *, model: str) -> Iterator[str]:
    """The reply as OpenAI ``chat.completion.chunk`` events: role, content line by line, stop, [DONE].

    The citations ride on the first chunk's delta, so a client that reads them needs no second call.
    """
    base = {
        "id": completion_id(),
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
    }
    first = {
        "role": "assistant",
        "content": "",
        "citations": [c.model_dump(mode="json") for c in message.citations],
    }
    yield sse({**base, "choices": [{"index": 0, "delta": first, "finish_reason": None}]})
    for piece in _PIECES.findall(message.content):
        yield sse({**base, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
    yield sse({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    yield "data: [DONE]\n\n"


@router.post("/chat/completions", response_model=ChatCompletion, responses=_RESPONSES)
async def chat_completions(
    request: Annotated[ChatCompletionRequest, Body()],
    retriever: RetrieverDep,
    answerer: AnswererDep,
    links: LinksDep,
) -> ChatCompletion | StreamingResponse:
    """Answer the last user message with quotes from the report and numbered sources.

    The question takes the same path as ``/ask`` (``service/answerer.py``).
    """
    question = question_of(request)
    response = await answerer(
        retriever,
        question.question,
        top_k=question.top_k,
        section=question.section,
        document=question.document,
        links=links,
    )
    message = ChatMessageOut(
        content=reply_text(response), citations=citations(response) if quotes_answer(response) else []
    )
    if request.stream:
        return StreamingResponse(stream_reply(message, model=request.model), media_type="text/event-stream")
    return ChatCompletion(
        id=completion_id(), created=int(time.time()), model=request.model, choices=[Choice(message=message)]
    )


@router.get("/models", response_model=ModelList)
def models() -> ModelList:
    """The one model: extractive answers from the indexed report."""
    return ModelList(data=[ModelCard(id=MODEL_ID, created=0)])
