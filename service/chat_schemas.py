"""The OpenAI chat-completions wire format, as far as chat front ends use it.

Only the fields a front end needs are modelled; unknown request fields
(``temperature``, ``max_tokens``, ...) are accepted and ignored, because a front end
sends them whatever the model, and an extractive reply has no use for them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from service.chat_reply import ChatCitation
from service.schemas import DEFAULT_TOP_K, MAX_TOP_K, MIN_TOP_K

MODEL_ID = "reportqa"


class ChatMessageIn(BaseModel):
    """One message of the conversation; content is text or a list of parts (only text parts count)."""

    model_config = ConfigDict(extra="allow")

    role: str
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        parts = self.content or []
        return "\n".join(str(p.get("text", "")) for p in parts if p.get("type") == "text")


class ChatCompletionRequest(BaseModel):
    """``POST /v1/chat/completions``: the last user message is the question."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {"model": MODEL_ID, "messages": [{"role": "user", "content": "How do remittances help?"}]}
            ]
        },
    )

    model: str = MODEL_ID
    messages: list[ChatMessageIn] = Field(min_length=1)
    stream: bool = False
    top_k: int = Field(DEFAULT_TOP_K, ge=MIN_TOP_K, le=MAX_TOP_K, description="reportqa extension.")
    section: str | None = Field(
        None,
        description="reportqa extension: only this section, e.g. 'B.4' (of `document` when given).",
    )
    document: str | None = Field(
        None, description="reportqa extension: only this document, by its id (GET /sections lists them)."
    )


class ChatMessageOut(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str
    citations: list[ChatCitation] = Field(
        description="The numbered sources of the reply, the same numbers as its [n] markers."
    )


class Choice(BaseModel):
    index: int = 0
    message: ChatMessageOut
    finish_reason: Literal["stop"] = "stop"


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage = Field(default_factory=Usage)


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = MODEL_ID


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]
