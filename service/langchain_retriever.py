"""``ReportQARetriever``: the report as a LangChain retriever, over the HTTP API.

Install with the extra: ``pip install 'reportqa[langchain]'``.  It calls ``POST /ask``
on a running service, so a chain gets exactly the passages and citations ``/ask``
returns, as Documents whose metadata carries the citation; the embedding model
stays in the service.  Nothing here imports the service's own code.
"""

from __future__ import annotations

from typing import Any

import httpx
from langchain_core.callbacks import AsyncCallbackManagerForRetrieverRun, CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from index.citing import citation_label


class ReportQAServiceError(RuntimeError):
    """The service refused the question; the message is its one-line ``detail`` saying what to fix."""


class ReportQARetriever(BaseRetriever):
    """Retrieve cited passages of the report from a reportqa service.

    Example::

        retriever = ReportQARetriever(base_url="http://127.0.0.1:8000", top_k=3)
        docs = retriever.invoke("How do remittances contribute to development?")
        docs[0].metadata["citation"]["section"]  # "B.4"
    """

    base_url: str = "http://127.0.0.1:8000"
    top_k: int = 5
    section: str | None = None
    document: str | None = None
    timeout: float = 30.0

    def _body(self, query: str) -> dict[str, Any]:
        body: dict[str, Any] = {"question": query, "top_k": self.top_k}
        if self.section is not None:
            body["section"] = self.section
        if self.document is not None:
            body["document"] = self.document
        return body

    def _documents(self, response: httpx.Response) -> list[Document]:
        if response.status_code != 200:
            try:
                detail = response.json().get("detail", response.text)
            except ValueError:
                detail = response.text
            raise ReportQAServiceError(f"reportqa answered {response.status_code}: {detail}")
        return [to_document(passage) for passage in response.json()["passages"]]

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        url = f"{self.base_url.rstrip('/')}/ask"
        return self._documents(httpx.post(url, json=self._body(query), timeout=self.timeout))

    async def _aget_relevant_documents(
        self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun
    ) -> list[Document]:
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            response = await client.post(f"{self.base_url.rstrip('/')}/ask", json=self._body(query))
        return self._documents(response)


def to_document(passage: dict[str, Any]) -> Document:
    """One ``/ask`` passage as a Document: the text, and the citation with id, rank and score as metadata.

    ``source`` is the citation in one line, for chains that print their sources; it has no
    page when the document's format has none (``page`` is null).
    """
    citation = passage["citation"]
    label = citation_label(
        citation["section"], citation["title"], citation.get("page"), citation.get("page_end")
    )
    return Document(
        id=passage["id"],
        page_content=passage["text"],
        metadata={
            "id": passage["id"],
            "rank": passage["rank"],
            "score": passage["score"],
            "citation": citation,
            "source": f"{citation['document']}, {label}",
        },
    )
