"""The documentation: the site builds without a warning, the README stays short, links lead somewhere."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from service.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
README_LIMIT = 15_500  # bytes: a newcomer reads it in minutes; the rest lives under docs/

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1[ \t]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def relative_links(page: Path) -> list[str]:
    """The page's relative link targets, without fragments, outside code."""
    text = INLINE_CODE.sub("", FENCE.sub("", page.read_text(encoding="utf-8")))
    targets = [match.group(1) for match in LINK.finditer(text)]
    return [t.partition("#")[0] for t in targets if not SCHEME.match(t) and not t.startswith("#")]


def test_the_site_builds_in_strict_mode_without_a_warning(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(ROOT / "mkdocs.yml"),
            "--site-dir",
            str(tmp_path / "site"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output, output
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "quality" / "index.html").is_file()


def test_the_readme_stays_short() -> None:
    size = (ROOT / "README.md").stat().st_size
    assert size <= README_LIMIT, f"README.md is {size} bytes (at most {README_LIMIT}): move detail to docs/"


def test_every_relative_link_points_at_a_file_that_exists() -> None:
    broken = [
        f"{page.relative_to(ROOT)}: {target}"
        for page in PAGES
        for target in relative_links(page)
        if target and not (page.parent / target).resolve().exists()
    ]
    assert not broken, "links to nothing:\n" + "\n".join(broken)


def test_the_link_check_sees_links_and_skips_code(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "[a](docs/api.md#x) [b](https://example.org) [c](#top) `[d](nope.md)`\n"
        '```json\n{"e": [1](2)}\n```\n![f](img.png)\n',
        encoding="utf-8",
    )
    assert relative_links(page) == ["docs/api.md", "img.png"]


def test_every_setting_is_on_the_settings_page() -> None:
    page = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = [
        f"REPORTQA_{name.upper()}"
        for name in Settings.model_fields
        if f"`REPORTQA_{name.upper()}`" not in page
    ]
    assert not missing, f"docs/settings.md lacks {missing}"
