"""The OpenAI-compatible endpoint, driven by the official ``openai`` client, streaming and not."""

from __future__ import annotations

from typing import Any

import httpx
import openai
import pytest
from openai import OpenAI

from service.chat_reply import NOT_ANSWERED
from surfaces.live import LiveServer, Tops, top_of

QUESTION = "Do remittances reduce poverty?"
TOP_SOURCE = '[1] Section A.1 "Remittances as a tool of development", page 3 (test-report)'


def client_for(server: LiveServer) -> OpenAI:
    """What a user configures: the base URL ending in /v1 and any key (the service asks for none)."""
    return OpenAI(base_url=f"{server.url}/v1", api_key="not-needed", max_retries=0)


def chat(client: OpenAI, question: str) -> Any:
    return client.chat.completions.create(model="reportqa", messages=[{"role": "user", "content": question}])


def test_the_model_is_listed(small_server: LiveServer) -> None:
    assert [model.id for model in client_for(small_server).models.list()] == ["reportqa"]


def test_the_reply_quotes_the_report_and_numbers_its_sources(small_server: LiveServer) -> None:
    completion = chat(client_for(small_server), QUESTION)
    message = completion.choices[0].message
    assert message.role == "assistant"
    assert completion.choices[0].finish_reason == "stop"
    quote, sources = message.content.split("\n\nSources:\n")
    assert quote == "“Remittances sent home by migrants reduce poverty in origin countries.” [1]"
    assert sources.splitlines()[0] == TOP_SOURCE
    reference = small_server.ask(QUESTION)
    cited = message.model_extra["citations"]
    assert [c["number"] for c in cited] == list(range(1, len(reference["passages"]) + 1))  # type: ignore[arg-type]
    assert (cited[0]["passage_id"], cited[0]["citation"]) == top_of(reference)


def test_only_the_last_user_message_is_the_question(small_server: LiveServer) -> None:
    completion = client_for(small_server).chat.completions.create(
        model="reportqa",
        messages=[
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "Do remittances reduce poverty?"},
            {"role": "assistant", "content": "..."},
            {"role": "user", "content": [{"type": "text", "text": "What do asylum procedures involve?"}]},
        ],
    )
    cited = completion.choices[0].message.model_extra["citations"]
    assert cited[0]["citation"]["section"] == "A.2"


def test_streaming_sends_the_same_reply_in_chunks(small_server: LiveServer) -> None:
    client = client_for(small_server)
    whole = chat(client, QUESTION).choices[0].message
    stream = client.chat.completions.create(
        model="reportqa", messages=[{"role": "user", "content": QUESTION}], stream=True
    )
    chunks = list(stream)
    assert len(chunks) > 2
    assert chunks[0].choices[0].delta.role == "assistant"
    assert "".join(chunk.choices[0].delta.content or "" for chunk in chunks) == whole.content
    assert chunks[0].choices[0].delta.model_extra["citations"] == whole.model_extra["citations"]
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_a_conversation_without_a_user_message_is_refused_saying_why(small_server: LiveServer) -> None:
    with pytest.raises(openai.UnprocessableEntityError) as caught:
        client_for(small_server).chat.completions.create(
            model="reportqa", messages=[{"role": "system", "content": "Be brief."}]
        )
    assert caught.value.body["detail"] == (
        "messages: add a message with role 'user': the last one is the question"
    )  # type: ignore[index]


def test_tools_describe_search_report_as_the_body_of_ask(small_server: LiveServer) -> None:
    tools = httpx.get(f"{small_server.url}/v1/tools").json()
    function = tools[0]["function"]
    assert tools[0]["type"] == "function" and function["name"] == "search_report"
    assert set(function["parameters"]["properties"]) == {"question", "top_k", "section", "document"}
    arguments = {
        "question": QUESTION,
        "top_k": 2,
        "section": "A",
        "document": "test-report",
    }  # as a model would
    assert httpx.post(f"{small_server.url}/ask", json=arguments).status_code == 200


@pytest.mark.e2e  # needs the real tuned build
def test_chat_agrees_with_ask_on_the_real_report(real_server: LiveServer, real_tops: Tops) -> None:
    client = client_for(real_server)
    for question, top in real_tops.items():
        message = chat(client, question).choices[0].message
        if real_server.ask(question)["answerable"]:
            cited = message.model_extra["citations"]
            assert (cited[0]["passage_id"], cited[0]["citation"]) == top, question
        else:  # the same verdict as /ask, said plainly, with nothing passed off as a source
            assert message.content.startswith(NOT_ANSWERED), question
            assert message.model_extra["citations"] == [], question
