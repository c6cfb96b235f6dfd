"""A folder of reports in several formats: sections from each document's own headings, cited by document."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from index.errors import SourceError
from index.store import load_index
from ingest.embedder import HashingEmbedder
from ingest.pipeline import build_index
from ingest.sources import parse_source, read_source

BODY = "Remittances sent home by migrants reduce poverty in countries of origin and pay for schooling."

MARKDOWN = f"""# Migration report

Front matter of the report, long enough to be a passage of its own.

## Remittances

{BODY}

### Fees

Transfer fees charged by banks remain high for small amounts sent home.

## Refugees

Refugees fleeing persecution seek asylum under international protection law.
"""

HTML = f"""<html><head><title>Policy brief</title><style>p {{color: red}}</style></head>
<body><h1>Policy brief</h1><p>An introduction to the brief on labour mobility.</p>
<h2>Labour migration</h2><p>Temporary labour migration programmes match workers and employers.</p>
<ul><li>Seasonal work visas</li><li>Skills recognition</li></ul>
<h2>Diaspora</h2><p>{BODY}</p><script>var x = "not text";</script></body></html>
"""


def pdf_bytes(pages: list[list[str]], *, outline: list[tuple[str, int]], first_label: int) -> bytes:
    """A PDF with one text line per entry, page labels starting at ``first_label`` and an outline."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    font_ref = writer._add_object(font)
    for lines in pages:
        page = writer.add_blank_page(612, 792)
        ops = ["BT /F1 11 Tf 14 TL 72 740 Td"]
        for line in lines:
            escaped = line.replace("(", r"\(").replace(")", r"\)")
            ops.append(f"({escaped}) Tj T*" if line else "T*")
        ops.append("ET")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})}
        )
    writer.set_page_label(0, len(pages) - 1, style="/D", start=first_label)
    for title, index in outline:
        writer.add_outline_item(title=title, page_number=index)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "migration.md").write_text(MARKDOWN, encoding="utf-8")
    (folder / "brief.html").write_text(HTML, encoding="utf-8")
    pages = [
        ["Introduction", "", "This annual report covers return migration."],
        ["Return migration", "", "Migrants returning home bring skills and savings back."],
    ]
    outline = [("Introduction", 0), ("Return migration", 1)]
    (folder / "annual.pdf").write_bytes(pdf_bytes(pages, outline=outline, first_label=7))
    return folder


def test_markdown_headings_are_sections(folder: Path) -> None:
    doc = parse_source(read_source(folder / "migration.md"))
    assert [(s.id, s.title) for s in doc.sections] == [
        ("1", "Migration report"),
        ("1.1", "Remittances"),
        ("1.1.1", "Fees"),
        ("1.2", "Refugees"),
    ]
    remittances = doc.sections[1]
    assert BODY in doc.text[remittances.body_start : remittances.end]


def test_html_h1_to_h3_are_sections_and_scripts_are_not_text(folder: Path) -> None:
    doc = parse_source(read_source(folder / "brief.html"))
    assert doc.title == "Policy brief"
    assert [(s.id, s.title) for s in doc.sections] == [
        ("1", "Policy brief"),
        ("1.1", "Labour migration"),
        ("1.2", "Diaspora"),
    ]
    assert "Seasonal work visas" in doc.text and "not text" not in doc.text and "color" not in doc.text


def test_pdf_sections_come_from_its_outline_and_pages_from_its_labels(folder: Path) -> None:
    doc = parse_source(read_source(folder / "annual.pdf"))
    assert [(s.id, s.title) for s in doc.sections] == [("1", "Introduction"), ("2", "Return migration")]
    returning = doc.sections[1]
    assert doc.page_at(returning.start) == 8
    assert "skills and savings" in doc.text[returning.body_start : returning.end]


def test_a_folder_of_reports_is_one_index_where_every_citation_names_its_document(
    folder: Path, tmp_path: Path
) -> None:
    build_index([folder], tmp_path / "index", embedder=HashingEmbedder(64), progress=False)
    index = load_index(tmp_path / "index")
    assert {p.citation.document for p in index.passages} == {"annual", "brief", "migration"}
    for passage in index.passages:
        c = passage.citation
        assert index.texts[c.document][c.start : c.end] == passage.text
    pdf_pages = {p.citation.page for p in index.passages if p.citation.document == "annual"}
    assert pdf_pages == {7, 8}


def test_a_pdf_that_is_not_one_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 this is not really a pdf")
    with pytest.raises(SourceError, match=r"broken\.pdf: "):
        parse_source(read_source(bad))


def test_a_document_without_text_names_the_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><script>x()</script></body></html>", encoding="utf-8")
    with pytest.raises(SourceError) as error:
        parse_source(read_source(empty))
    assert str(error.value) == f"{empty}: no text found in it"


def test_a_folder_is_read_wherever_it_lives_but_its_hidden_files_are_skipped(tmp_path: Path) -> None:
    from ingest.sources import expand

    folder = tmp_path / ".config" / "reports"
    (folder / ".drafts").mkdir(parents=True)
    (folder / "a.txt").write_text("A.", encoding="utf-8")
    (folder / ".notes.txt").write_text("hidden", encoding="utf-8")
    (folder / ".drafts" / "b.txt").write_text("hidden", encoding="utf-8")
    assert expand([folder]) == [folder / "a.txt"]
    assert expand([folder / ".." / "reports"]) == [folder / ".." / "reports" / "a.txt"]
