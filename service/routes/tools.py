"""``GET /v1/tools``: ``search_report`` as an OpenAI function-calling tool, for chatbots with their own model.

The chatbot's model decides to call the tool; the chatbot then sends the arguments
as the body of ``POST /ask`` and pastes the response's ``context`` (numbered, cited
passages) back to the model.  The parameters mirror ``AskRequest`` exactly.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from service.schemas import DEFAULT_TOP_K, MAX_QUESTION_CHARS, MAX_TOP_K, MIN_TOP_K

router = APIRouter(prefix="/v1", tags=["tools"])

SEARCH_REPORT_DESCRIPTION = (
    "Search the indexed documents (a UN report, and any others indexed beside it) for passages that "
    "answer a question, best first, each with a citation (document and its title, section, title, "
    "page; page is null for formats without pages). `document` keeps one document, and `section` "
    "then applies within it. Call it as POST /ask with these arguments as the JSON body; "
    "the response's `context` holds the passages numbered [1], [2], ... with their sources: "
    "cite those numbers."
)


def search_report_tool() -> dict[str, Any]:
    """The OpenAI ``tools`` entry for ``search_report``."""
    return {
        "type": "function",
        "function": {
            "name": "search_report",
            "description": SEARCH_REPORT_DESCRIPTION,
            "parameters": {
                "type": "object",
                "properties": {
                    "question": {
                        "type": "string",
                        "description": "The question, in natural language.",
                        "maxLength": MAX_QUESTION_CHARS,
                    },
                    "top_k": {
                        "type": "integer",
                        "description": "How many passages to return.",
                        "minimum": MIN_TOP_K,
                        "maximum": MAX_TOP_K,
                        "default": DEFAULT_TOP_K,
                    },
                    "section": {
                        "type": ["string", "null"],
                        "description": "Only this section, e.g. 'B.4', or a part, e.g. 'B' "
                        "(the ids are listed by GET /sections); of `document` when given, "
                        "else of every document.",
                    },
                    "document": {
                        "type": ["string", "null"],
                        "description": "Only this document, by its id (GET /sections lists the "
                        "documents and their titles).",
                    },
                },
                "required": ["question"],
                "additionalProperties": False,
            },
        },
    }


@router.get("/tools")
def tools() -> list[dict[str, Any]]:
    """Pass this list as ``tools=`` to a chat model; run a ``search_report`` call as ``POST /ask``."""
    return [search_report_tool()]
