"""Load from wrk, a C load generator, beside the bench's own Python clients.

On two cores the load generator shares the CPU with the service: eight Python
threads posting through http.client spend a good part of a core on the client side, so
the service's throughput reads lower than the service can give.  wrk spends
little, which shows what the service itself sustains.  Both are reported; wrk
only when it is installed (Debian: ``apt-get install wrk``).

Every request carries a new question (a dev question plus a number), so the
question cache never helps, as in the Python clients' "new questions" load.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def lua_script(questions: list[str], *, base: int) -> str:
    """A wrk script posting ``/ask`` with a question never asked before on every request."""
    # Each question as a JSON string without its closing quote, so a number can be appended.
    openings = ",\n".join(f"  [==[{json.dumps(q)[:-1]}]==]" for q in questions)
    return f"""local questions = {{
{openings}
}}
local thread_id = 0
local count = 0
setup = function(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
end
request = function()
  count = count + 1
  local n = {base} + thread_id * 100000000 + count
  local body = questions[(count % #questions) + 1] .. " " .. n .. '", "top_k": 5}}'
  return wrk.format("POST", "/ask", {{["Content-Type"] = "application/json"}}, '{{"question": ' .. body)
end
"""


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS[unit]


def parse(output: str) -> dict[str, Any]:
    """Requests/s, p50/p99 (ms), requests and errors (non-2xx and socket errors) from wrk's output."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    if not rps or not total:
        raise ValueError(f"wrk printed no result:\n{output[-2000:]}")
    latency = {q: _ms(v, u) for q, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(g) for g in sockets.groups()) if sockets else 0
    )
    return {
        "rps": float(rps.group(1)),
        "requests": int(total.group(1)),
        "errors": errors,
        "p50": latency.get("50", float("nan")),
        "p99": latency.get("99", float("nan")),
    }


def run(
    base_url: str, questions: list[str], *, clients: int, duration: float, base: int, workdir: Path
) -> dict[str, Any] | None:
    """``clients`` connections from one wrk thread for ``duration`` seconds; None without wrk."""
    binary = shutil.which("wrk")
    if binary is None:
        return None
    script = workdir / "new-questions.lua"
    script.write_text(lua_script(questions, base=base), encoding="utf-8")
    command = [binary, "-t1", f"-c{clients}", f"-d{duration:g}s", "--latency", "-s", str(script), base_url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=True)
    return parse(done.stdout)
