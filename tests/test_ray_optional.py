"""Ray is optional: the single-machine path never imports it, and ``--ray`` mistakes are one line.

These run whether or not the extra ``reportqa[ray]`` is installed; the tests on a real
cluster are in ``tests/ray/``.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.ray_cluster import RayUnavailable, host_port, probe

ROOT = Path(__file__).resolve().parent.parent
SINGLE_MACHINE = ("service.cli", "service.app", "ingest.pipeline", "service.build")


def run(code: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_single_machine_path_does_not_import_ray() -> None:
    imports = "; ".join(f"import {module}" for module in SINGLE_MACHINE)
    result = run(f"import sys; {imports}; print(sorted(m for m in sys.modules if m.split('.')[0] == 'ray'))")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"


def test_the_import_check_would_see_ray_imported() -> None:
    """The check above can fail: a module that imports ray shows in sys.modules."""
    pytest.importorskip("ray.serve", reason="needs the extra reportqa[ray] to import ray at all")
    result = run("import sys; import ingest.ray_ingest; print('ray' in sys.modules)")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "True"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run(f"import sys; sys.argv = ['reportqa', *{list(args)!r}]; from service.cli import main; main()")


def test_replicas_without_ray_is_a_usage_error_that_says_what_to_fix() -> None:
    result = cli("serve", "--replicas", "2")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Error: --replicas needs --ray ADDRESS (replicas run on a Ray cluster); on one machine use --workers"
    )


def test_workers_with_ray_is_a_usage_error() -> None:
    result = cli("serve", "--ray", "auto", "--workers", "2")
    assert result.returncode == 2
    assert "with --ray, give --replicas" in result.stderr


@pytest.mark.parametrize("command", ["serve", "ingest"])
def test_an_address_nobody_answers_on_is_one_line_naming_it(command: str, tmp_path: Path) -> None:
    result = cli(
        command, "--ray", "127.0.0.1:9", *(["--index-dir", str(tmp_path)] if command == "ingest" else [])
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    if importlib.util.find_spec("ray") is None or importlib.util.find_spec("ray.serve") is None:
        assert lines[0].startswith("Error: --ray needs Ray, which is not installed; install the extra")
    else:
        assert lines[0].startswith("Error: cannot reach the Ray cluster at 127.0.0.1:9 (")


def test_ingest_help_documents_the_ray_flag() -> None:
    result = cli("ingest", "--help")
    assert result.returncode == 0
    assert "--ray" in result.stdout
    assert "Ray Data" in result.stdout


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("auto", None),
        ("local", None),
        ("10.0.0.5:6379", ("10.0.0.5", 6379)),
        ("ray://head.example.org:10001", ("head.example.org", 10001)),
    ],
)
def test_addresses_are_read_as_ray_reads_them(address: str, expected: tuple[str, int] | None) -> None:
    assert host_port(address) == expected


@pytest.mark.parametrize("address", ["head", "head:port", ""])
def test_an_address_without_a_port_is_refused(address: str) -> None:
    with pytest.raises(RayUnavailable, match="give HOST:PORT"):
        host_port(address)


def test_probe_refuses_a_closed_port_at_once() -> None:
    with pytest.raises(RayUnavailable, match=r"cannot reach the Ray cluster at 127\.0\.0\.1:9 "):
        probe("127.0.0.1:9", timeout=2)
