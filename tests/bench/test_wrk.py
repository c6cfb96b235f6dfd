"""The bench reads wrk's report right: throughput, latency percentiles in any unit, errors."""

from __future__ import annotations

import json
import re

import pytest

from bench import wrk

REPORT = """Running 10s test @ http://127.0.0.1:8813
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    38.02ms   17.61ms 214.03ms   86.40%
    Req/Sec   210.90     31.06   282.00     72.00%
  Latency Distribution
     50%   33.15ms
     75%   42.10ms
     90%   55.37ms
     99%    1.11s
  2106 requests in 10.03s, 17.90MB read
  Non-2xx or 3xx responses: 3
  Socket errors: connect 0, read 1, write 0, timeout 2
Requests/sec:    209.88
Transfer/sec:      1.78MB
"""


def test_parse_reads_throughput_latency_and_every_kind_of_error() -> None:
    result = wrk.parse(REPORT)
    assert result == {"rps": 209.88, "requests": 2106, "errors": 6, "p50": 33.15, "p99": 1110.0}


def test_parse_refuses_output_without_a_result() -> None:
    with pytest.raises(ValueError, match="no result"):
        wrk.parse("unable to connect to 127.0.0.1:8813 Connection refused\n")


def test_script_asks_each_question_as_valid_json_with_a_new_number() -> None:
    questions = ['Why did "brain drain" worry them?', "What is GATS Mode 4?"]
    script = wrk.lua_script(questions, base=7)
    openings = re.findall(r"\[==\[(.*?)\]==\]", script)
    assert len(openings) == 2
    # What the script sends: the opening, a space, a number, then the closing of the body.
    body = '{"question": ' + openings[0] + " 123" + '", "top_k": 5}'
    assert json.loads(body) == {"question": 'Why did "brain drain" worry them? 123', "top_k": 5}
    assert "local n = 7 +" in script
