"""The edge where errors become HTTP responses: the one place statuses are chosen.

Domain code raises ``ReportQAError`` subclasses whose messages say how to fix the
problem; here they become ``{"detail": message}`` with a status.  Validation
errors become a 422 whose ``detail`` is one readable line naming the field and
the fix, with pydantic's structured ``errors`` kept alongside for programs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from index.errors import (
    BuildInProgress,
    CorruptIndex,
    IncompatibleIndex,
    IndexNotFound,
    IndexWriteError,
    NoSuchDocument,
    ReportQAError,
    SourceError,
    SourceNotKept,
    UnknownPassage,
)
from service.admin_auth import AdminDisabled, Unauthorized
from service.answers import UnknownDocument, UnknownSection
from service.state import IndexUnavailable

# Most specific first is not needed: the lookup walks each error's MRO.
STATUS_BY_ERROR: dict[type[ReportQAError], int] = {
    UnknownPassage: 404,
    NoSuchDocument: 404,
    SourceNotKept: 404,
    UnknownSection: 422,
    UnknownDocument: 422,
    SourceError: 400,
    IndexUnavailable: 503,
    IndexNotFound: 503,
    IncompatibleIndex: 503,
    CorruptIndex: 503,
    Unauthorized: 401,
    AdminDisabled: 403,
    BuildInProgress: 409,
    IndexWriteError: 500,
    ReportQAError: 500,
}

_BODY_EXAMPLE = '{"question": "How do remittances help development?", "top_k": 5}'
_LOCATIONS = {"body", "query", "path", "header", "cookie"}
_MAX_ECHO = 40


def status_for(error: ReportQAError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[kind]
    return 500


def _field(loc: Sequence[Any]) -> str:
    parts = [str(part) for part in loc if not (isinstance(part, str) and part in _LOCATIONS)]
    return ".".join(parts)


def _got(error: Mapping[str, Any]) -> str:
    """`` (got ...)`` in JSON spelling, when the bad value is short enough to echo back usefully."""
    if "input" not in error:
        return ""
    value = error["input"]
    if (
        value is None
        or isinstance(value, bool | int | float)
        or (isinstance(value, str) and len(value) <= _MAX_ECHO)
    ):
        return f" (got {json.dumps(value, ensure_ascii=False)})"
    return ""


def describe_error(error: Mapping[str, Any]) -> str:
    """One pydantic/FastAPI error as a sentence saying what to fix."""
    kind = str(error.get("type", ""))
    loc = tuple(error.get("loc", ()))
    ctx = error.get("ctx") or {}
    field = _field(loc)
    if kind == "json_invalid":
        position = f" at character {loc[-1]}" if loc and isinstance(loc[-1], int) else ""
        reason = ctx.get("error", "decode error")
        return f"request body is not valid JSON ({reason}{position}); send an object like {_BODY_EXAMPLE}"
    if not field:
        if kind == "missing":
            return f"request body is missing; send JSON (Content-Type: application/json) like {_BODY_EXAMPLE}"
        return (
            f"request body must be a JSON object sent with Content-Type: application/json, "
            f"like {_BODY_EXAMPLE}{_got(error)}"
        )
    if kind == "missing":
        return f"{field} is required"
    if kind == "extra_forbidden":
        return f"unknown field {field!r}; allowed fields are question, top_k, section and document"
    if kind in {"string_type", "string_sub_type"}:
        return f"{field} must be a string{_got(error)}"
    if kind in {"int_type", "int_parsing", "int_from_float", "int_parsing_size"}:
        return f"{field} must be a whole number{_got(error)}"
    if kind in {"greater_than_equal", "greater_than"}:
        return f"{field} must be at least {ctx.get('ge', ctx.get('gt'))}{_got(error)}"
    if kind in {"less_than_equal", "less_than"}:
        return f"{field} must be at most {ctx.get('le', ctx.get('lt'))}{_got(error)}"
    if kind == "string_too_long":
        return f"{field} must be at most {ctx.get('max_length')} characters long"
    if kind.startswith("question_"):
        return str(error.get("msg", ""))
    return f"{field}: {error.get('msg', 'invalid value')}{_got(error)}"


def describe_errors(errors: Sequence[Mapping[str, Any]]) -> str:
    """All errors on one line, each saying what to fix."""
    sentences = dict.fromkeys(describe_error(error) for error in errors)
    return "; ".join(sentences).replace("\n", " ") or "invalid request"


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ReportQAError)
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
    status = status_for(exc)
    body: dict[str, Any] = {"detail": str(exc)}
    if status == 422:  # the same shape as a validation 422 (the schema promises ``errors``)
        body["errors"] = [{"type": type(exc).__name__, "msg": str(exc)}]
    return JSONResponse(body, status_code=status, headers=headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    return JSONResponse(
        {"detail": describe_errors(errors), "errors": jsonable_encoder(errors)},
        status_code=422,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ReportQAError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
