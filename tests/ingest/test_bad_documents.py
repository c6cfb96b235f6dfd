"""Bad documents: each gets one line that names the file and says what to fix.

Named directly, a bad file fails the build and the previous version keeps serving;
found in a folder beside a good file, it is skipped with a warning and the good file
is indexed; a folder with nothing readable in it fails.  Every fixture is a real file
of its kind: an image-only PDF, a password-protected PDF, a page of scripts and styles,
a 0-byte file and a PNG renamed ``.md``.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fakes import PLUGIN, HashingEmbedder

from index.errors import SourceError
from index.store import current_path, list_versions, load_index
from ingest.pipeline import BuildReport, build_index
from ingest.sources import binary_kind

REPORTQA = Path(sys.executable).parent / "reportqa"
GOOD_TEXT = (
    "Remittances sent home by migrants reduce poverty in countries of origin.\n\n"
    "Transfer fees charged by banks remain high for small amounts sent home.\n"
)


def png_bytes() -> bytes:
    """A real PNG: a white picture with a line of black text in it (pixels, not text)."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (480, 120), 255)
    ImageDraw.Draw(image).text((20, 50), "Remittances reduce poverty in origin countries", fill=0)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def text_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setFont("Helvetica-Bold", 16)
    page.drawString(72, 740, "1. Remittances")
    page.setFont("Helvetica", 11)
    page.drawString(72, 710, "Remittances sent home by migrants reduce poverty in countries of origin.")
    page.showPage()
    page.save()
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A page as a scanner makes it: one image covering the page, and no text layer."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawImage(ImageReader(io.BytesIO(png_bytes())), 36, 400, width=520, height=130)
    page.showPage()
    page.save()
    return out.getvalue()


def encrypted_pdf() -> bytes:
    """A text PDF that opens only with a password."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(text_pdf()))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def textless_html() -> bytes:
    return (
        b"<!doctype html><html><head><title>Annual report</title>"
        b"<style>body { font-family: serif; }</style><script>render('report');</script></head>"
        b"<body><div id='app'></div><main><section><p></p><p>   </p></section></main>"
        b"<noscript></noscript><script src='bundle.js'></script></body></html>"
    )


# (file name, its bytes, a pattern its error must match after "<path>: ")
BAD: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "scanned PDF": (
        "scan.pdf",
        scanned_pdf,
        r"no text layer; it looks scanned: run OCR \(e\.g\. ocrmypdf\) first",
    ),
    "encrypted PDF": ("locked.pdf", encrypted_pdf, r"encrypted; save an unencrypted copy"),
    "HTML with no text": (
        "blank.html",
        textless_html,
        r"no text found in it; its page holds only navigation, scripts, styles or empty tags "
        r"\(or only redirects to another\); save the page with its text",
    ),
    "0-byte file": (
        "empty.txt",
        lambda: b"",
        r"the file is empty; add the document's text to it or remove it from the sources",
    ),
    "PNG renamed .md": (
        "logo.md",
        png_bytes,
        r"binary, not text \(a PNG image\); an image has no text to index; remove it from the sources",
    ),
}
KINDS = list(BAD)


def write_bad(folder: Path, kind: str) -> tuple[Path, str]:
    """Write the bad file of ``kind`` into ``folder``; return it and the pattern of its whole error."""
    name, make, reason = BAD[kind]
    path = folder / name
    path.write_bytes(make())
    return path, f"{_literal(path)}: {reason}"


def _literal(path: Path) -> str:
    import re

    return re.escape(str(path))


def build(sources: list[Path], root: Path) -> BuildReport:
    return build_index(sources, root, embedder=HashingEmbedder(64), progress=False)


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "reports" / "good.txt"
    path.parent.mkdir()
    path.write_text(GOOD_TEXT, encoding="utf-8")
    return path


@pytest.fixture
def root(tmp_path: Path, good: Path) -> Path:
    """An index whose current version holds the good file alone."""
    root = tmp_path / "index"
    build([good], root)
    return root


@pytest.mark.parametrize("kind", KINDS)
def test_named_directly_it_fails_in_one_line_that_names_it_and_the_previous_version_keeps_serving(
    kind: str, good: Path, root: Path
) -> None:
    first = current_path(root)
    served = [p.text for p in load_index(root).passages]
    bad, message = write_bad(good.parent, kind)
    with pytest.raises(SourceError) as error:
        build([good, bad], root)
    assert "\n" not in str(error.value)
    assert error.value.args[0].startswith(f"{bad}: ")
    assert_matches(message, str(error.value))
    assert current_path(root) == first and [v.name for v in list_versions(root)] == [first.name]
    assert [p.text for p in load_index(root).passages] == served


@pytest.mark.parametrize("kind", KINDS)
def test_in_a_folder_it_is_skipped_with_a_warning_and_the_good_file_is_indexed(
    kind: str, good: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _, message = write_bad(good.parent, kind)
    report = build([good.parent], tmp_path / "index")
    assert len(report.warnings) == 1
    assert_matches(f"skipped {message}", report.warnings[0])
    assert report.documents == ["good"]
    assert {p.citation.document for p in load_index(tmp_path / "index").passages} == {"good"}
    assert report.warnings[0] in caplog.messages  # a quiet build (the service's reindex) logs it


def test_a_folder_of_nothing_but_bad_files_fails_and_keeps_the_previous_version(
    good: Path, root: Path, tmp_path: Path
) -> None:
    first = current_path(root)
    folder = tmp_path / "bad"
    folder.mkdir()
    write_bad(folder, "PNG renamed .md")
    write_bad(folder, "0-byte file")
    with pytest.raises(SourceError) as error:
        build([good, folder], root)
    assert str(error.value) == (
        f"{folder}: none of its 2 file(s) could be read; the first: {folder / 'empty.txt'}: "
        "the file is empty; add the document's text to it or remove it from the sources"
    )
    assert current_path(root) == first and len(list_versions(root)) == 1


def test_a_pdf_renamed_md_is_told_to_be_renamed_back(tmp_path: Path) -> None:
    renamed = tmp_path / "report.md"
    renamed.write_bytes(text_pdf())
    with pytest.raises(SourceError) as error:
        build([renamed], tmp_path / "index")
    assert str(error.value) == f"{renamed}: binary, not text (a PDF); rename it to .pdf"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"A.\x0cB.\r\n\tC.\x1b[0m", None),  # form feeds are the page breaks of a .txt report
        (codecs.BOM_UTF16_LE + "text".encode("utf-16-le"), None),  # text, in the wrong encoding
        (b"GIF89a\x01\x00", "a GIF image"),
        (b"text\x00more text", "binary data"),
        (bytes(range(1, 32)) * 3 + b"a few letters", "binary data"),
    ],
)
def test_binary_content_is_told_from_text_before_decoding(data: bytes, kind: str | None) -> None:
    found = binary_kind(data)
    assert (found[0] if found else None) == kind


# --- through the command, as a user runs it ---------------------------------------------------------


def ingest(*args: Path | str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("REPORTQA_")}
    env.update(HF_HUB_OFFLINE="1", REPORTQA_EMBEDDER_PLUGIN=PLUGIN)
    command = [str(REPORTQA), "ingest", *map(str, args), "--model", "hashing-64", "--no-tune"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_the_ingest_command_skips_a_bad_file_in_a_folder_and_refuses_it_named_directly(
    good: Path, tmp_path: Path
) -> None:
    root = tmp_path / "index"
    bad, message = write_bad(good.parent, "PNG renamed .md")

    skipped = ingest(good.parent, "--index-dir", root, "--json")
    assert skipped.returncode == 0, skipped.stderr
    assert_matches(f"warning: skipped {message}", _line_with(skipped.stderr, "warning: "))
    built = json.loads(skipped.stdout)
    assert built["documents"] == ["good"] and len(built["warnings"]) == 1
    first = current_path(root)

    refused = ingest(good, bad, "--index-dir", root)
    assert refused.returncode == 1
    assert_matches(f"Error: {message}", refused.stderr.splitlines()[-1])
    assert current_path(root) == first
    assert {p.citation.document for p in load_index(root).passages} == {"good"}


def _line_with(output: str, prefix: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith(prefix)]
    assert len(lines) == 1, output
    return lines[0]


def assert_matches(pattern: str, text: str) -> None:
    assert re.fullmatch(pattern, text), f"{text!r} does not match {pattern!r}"


def test_a_reader_that_fails_on_one_file_of_a_folder_skips_it_and_indexes_the_rest(
    good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader's defect on one document names the file instead of stopping the whole build."""
    import ingest.pipeline

    odd = good.parent / "odd.md"
    odd.write_text("# Odd\n\nA page the Markdown reader stumbles on.\n", encoding="utf-8")
    real = ingest.pipeline.parse_source

    def stumbles(source):  # type: ignore[no-untyped-def]
        if source.path.name == "odd.md":
            raise UnicodeEncodeError("utf-8", "\ud835", 0, 1, "surrogates not allowed")
        return real(source)

    monkeypatch.setattr(ingest.pipeline, "parse_source", stumbles)
    report = build([good.parent], tmp_path / "index")
    assert report.documents == ["good"]
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith(f"skipped {odd}: the md reader failed on it (UnicodeEncodeError")
    with pytest.raises(SourceError, match=r"^.*odd\.md: the md reader failed on it"):
        build([odd], tmp_path / "other")
