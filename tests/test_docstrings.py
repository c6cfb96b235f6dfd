"""Module docstrings say what a module is for, in at most 20 lines; history goes to docs/."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ingest", "index", "service")
MAX_LINES = 20


def docstring_lines(path: Path) -> int:
    """How many source lines the module docstring spans (0 without one)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    first = tree.body[0] if tree.body else None
    if not (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return 0
    return (first.end_lineno or first.lineno) - first.lineno + 1


def test_no_module_docstring_is_longer_than_20_lines() -> None:
    modules = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))
    assert len(modules) > 50  # the walk found the packages
    too_long = {
        str(path.relative_to(ROOT)): lines for path in modules if (lines := docstring_lines(path)) > MAX_LINES
    }
    assert not too_long, (
        f"module docstrings longer than {MAX_LINES} lines (move history to docs/quality.md or "
        f"docs/decisions.md and link it): {too_long}"
    )


def test_a_docstring_is_measured_in_source_lines(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text('"""One.\n\nThree.\n"""\n\nx = 1\n', encoding="utf-8")
    assert docstring_lines(module) == 4
    module.write_text("x = 1\n", encoding="utf-8")
    assert docstring_lines(module) == 0
