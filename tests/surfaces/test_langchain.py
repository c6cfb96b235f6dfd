"""``ReportQARetriever`` in a LangChain runnable chain, against the real service on a socket."""

from __future__ import annotations

import asyncio

import pytest
from langchain_core.documents import Document
from langchain_core.runnables import RunnableLambda

from service.langchain_retriever import ReportQARetriever, ReportQAServiceError
from surfaces.live import LiveServer, Tops, top_of


def numbered(documents: list[Document]) -> str:
    return "\n\n".join(
        f"[{n}] {d.page_content}\n({d.metadata['source']})" for n, d in enumerate(documents, 1)
    )


def test_documents_carry_the_citation_of_ask(small_server: LiveServer) -> None:
    retriever = ReportQARetriever(base_url=small_server.url, top_k=3)
    documents = retriever.invoke("Do remittances reduce poverty?")
    reference = small_server.ask("Do remittances reduce poverty?", top_k=3)
    assert [d.metadata["id"] for d in documents] == [p["id"] for p in reference["passages"]]  # type: ignore[attr-defined]
    assert (documents[0].id, documents[0].metadata["citation"]) == top_of(reference)
    assert (
        documents[0].page_content == "Remittances sent home by migrants reduce poverty in origin countries."
    )
    assert documents[0].metadata["source"] == (
        'test-report, section A.1 "Remittances as a tool of development", page 3'
    )


def test_in_a_chain_the_context_matches_the_services_own(small_server: LiveServer) -> None:
    chain = ReportQARetriever(base_url=small_server.url, top_k=2) | RunnableLambda(numbered)
    context = chain.invoke("Do remittances reduce poverty?")
    assert context.replace("Section", "section") == small_server.ask(
        "Do remittances reduce poverty?", top_k=2
    )["context"].replace("(Source: ", "(")


def test_async_and_section_scoped(small_server: LiveServer) -> None:
    retriever = ReportQARetriever(base_url=small_server.url, section="B")
    documents = asyncio.run(retriever.ainvoke("remittances"))
    assert {d.metadata["citation"]["section"] for d in documents} == {"B.1"}


def test_a_refusal_carries_the_services_message(small_server: LiveServer) -> None:
    retriever = ReportQARetriever(base_url=small_server.url, section="Z.9")
    with pytest.raises(ReportQAServiceError, match=r"reportqa answered 422: unknown section 'Z.9'"):
        retriever.invoke("remittances")


@pytest.mark.e2e  # needs the real tuned build
def test_the_retriever_agrees_with_ask_on_the_real_report(real_server: LiveServer, real_tops: Tops) -> None:
    retriever = ReportQARetriever(base_url=real_server.url)
    for question, top in real_tops.items():
        first = retriever.invoke(question)[0]
        assert (first.id, first.metadata["citation"]) == top, question
