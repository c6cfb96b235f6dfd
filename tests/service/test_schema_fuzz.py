"""schemathesis against our own OpenAPI schema: no 5xx, and every response valid against the schema.

Runs in-process (ASGI) over the small hashing-embedder index, with a bounded number
of examples per operation.  Left out: ``/mcp`` (its own protocol, tested in
tests/surfaces), the streaming chat completion (``stream: true`` answers an event
stream, which the schema cannot describe), and the admin endpoints that rebuild
the index (tested in tests/service/test_admin.py; here they answer 403 as no
token is set, which is checked).  Also left out is schemathesis' "positive data
acceptance" check: the schema does not spell every rule (a blank question is a
string, and answers 422 with a fix), and that is a 4xx by design, not a fault.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fakes import HashingEmbedder
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from service.app import create_app
from service.settings import Settings
from tests.conftest import build_small_index


@pytest.fixture(scope="module")
def served_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    index = build_small_index(tmp_path_factory.mktemp("schema") / "index")
    app = create_app(
        Settings(index_dir=index, reload_interval=0), embedder_factory=lambda name: HashingEmbedder(64)
    )
    yield app  # schemathesis runs the app's lifespan (loading the index) itself


@pytest.fixture(scope="module")
def api_schema(served_app: FastAPI) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/openapi.json", served_app).exclude(path_regex="^/mcp")


def test_no_server_errors_and_responses_match_the_schema(api_schema: schemathesis.BaseSchema) -> None:
    tested = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: schemathesis.Case) -> None:
            if isinstance(case.body, dict) and case.body.get("stream"):
                case.body["stream"] = False  # an event stream is not what the schema describes
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        run()
        tested.append(operation.label)
    assert "POST /ask" in tested and "GET /metrics" in tested, tested
