"""The report in the formats reports are published and edited in, made from its text file.

A test helper: the plain-text reader's own reading of the report (headings as
printed, paragraphs with the page each line stands on, footnotes and where their
markers stood) is laid out again as Markdown (``##`` parts, ``###`` subsections,
GFM footnotes), as HTML (``h2``/``h3`` inside ``<main>``, beside a navigation menu
and a script that must not reach a passage) and, through ``tests/pdf_writer.py``, as
a PDF with one report page per PDF page and headings in larger type.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from ingest.blocks import Block, Footnote, Heading, Paragraph
from ingest.plaintext import _blocks, join_lines, paragraphs, scan


def report_pages(raw: str) -> tuple[str, list[list[Block]]]:
    """The report's title and its blocks page by page, as a typesetter would print them."""
    body, notes = scan(raw)
    title, blocks = _blocks(paragraphs(body))
    last_page = max(line.page or 1 for block in blocks for line in block.lines)
    pages: list[list[Block]] = [[] for _ in range(last_page)]
    markers = _markers(blocks, notes)
    for index, block in enumerate(blocks):
        runs: list[tuple[int, list[str]]] = []
        for line in block.lines:
            page = line.page or 1
            if not runs or runs[-1][0] != page:
                runs.append((page, []))
            runs[-1][1].append(_without_marker(line.text, markers.get((index, id(line)))))
        if block.heading is not None:
            text = " ".join(text for _, lines in runs for text in lines)
            pages[runs[0][0] - 1].append(Heading(min(block.heading.level, 2), text, runs[0][0]))
            continue
        notes_here = tuple(n for (i, _), n in markers.items() if i == index)
        for n, (page, lines) in enumerate(runs):
            pages[page - 1].append(
                Paragraph(join_lines(lines), page, continued=n > 0, notes=notes_here if n == 0 else ())
            )
    for note in notes:
        page = note.page or 1
        pages[page - 1].append(Footnote(note.number, join_lines(note.lines), page))
    return title, pages


def _markers(blocks: list, notes: list) -> dict[tuple[int, int], int]:  # type: ignore[type-arg]
    """Where each footnote's marker stands: (block index, line id) -> footnote number."""
    found: dict[tuple[int, int], int] = {}
    for note in notes:
        for index, block in enumerate(blocks):
            line = next(
                (ln for ln in block.lines if ln.page == note.page and _marker(ln.text, note.number)), None
            )
            if line is not None and block.heading is None:
                found[(index, id(line))] = note.number
                break
    return found


def _marker(text: str, number: int) -> re.Match[str] | None:
    return re.search(rf"(?<=[a-z]){number}(?=[\s,.;:)]|$)", text)


def _without_marker(text: str, number: int | None) -> str:
    if number is None or not (found := _marker(text, number)):
        return text
    return text[: found.start()] + text[found.end() :]


def _flow(pages: list[list[Block]]) -> list[Block]:
    """Pages run together: a paragraph continued on the next page is one paragraph again."""
    out: list[Block] = []
    for block in (b for page in pages for b in page if not isinstance(b, Footnote)):
        previous = out[-1] if out else None
        if isinstance(block, Paragraph) and block.continued and isinstance(previous, Paragraph):
            joiner = "" if re.search(r"[A-Za-z]-$", previous.text) and block.text[:1].isalpha() else " "
            out[-1] = Paragraph(previous.text + joiner + block.text, None, notes=previous.notes + block.notes)
        else:
            out.append(block)
    return out


def _notes(pages: list[list[Block]]) -> list[Footnote]:
    return [b for page in pages for b in page if isinstance(b, Footnote)]


def to_markdown(title: str, pages: list[list[Block]]) -> str:
    lines = [f"# {title}", ""]
    for block in _flow(pages):
        if isinstance(block, Heading):
            lines += [f"{'#' * (block.level + 1)} {block.text}", ""]
        elif isinstance(block, Paragraph):
            marks = "".join(f"[^{n}]" for n in block.notes)
            lines += [block.text.replace("\n", "  \n") + marks, ""]
    for note in _notes(pages):
        lines += [f"[^{note.number}]: {note.text}", ""]
    return "\n".join(lines)


def to_html(title: str, pages: list[list[Block]]) -> str:
    out = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>body {{ font: 16px serif }}</style>",
        "<script>window.analytics = 'Skip to content';</script></head><body>",
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/reports'>All reports</a></li></ul></nav>",
        f"<main><h1>{html.escape(title)}</h1>",
    ]
    for block in _flow(pages):
        if isinstance(block, Heading):
            tag = f"h{block.level + 1}"
            out.append(f"<{tag}>{html.escape(block.text)}</{tag}>")
        elif isinstance(block, Paragraph):
            marks = "".join(f'<sup id="fnref{n}"><a href="#fn{n}">{n}</a></sup>' for n in block.notes)
            out.append(f"<p>{html.escape(block.text).replace(chr(10), '<br>')}{marks}</p>")
    out.append('<section class="footnotes"><hr><ol>')
    for note in _notes(pages):
        out.append(f'<li id="fn{note.number}"><p>{html.escape(note.text)}</p></li>')
    out.append("</ol></section></main><footer>Published by the reports office</footer></body></html>")
    return "\n".join(out)


def write_formats(raw: str, folder: Path, stem: str) -> dict[str, Path]:
    """The report as ``.md``, ``.html`` and ``.pdf`` in ``folder``, by format."""
    from tests.pdf_writer import write_pdf

    title, pages = report_pages(raw)
    paths = {fmt: folder / f"{stem}.{fmt}" for fmt in ("md", "html", "pdf")}
    paths["md"].write_text(to_markdown(title, pages), encoding="utf-8")
    paths["html"].write_text(to_html(title, pages), encoding="utf-8")
    write_pdf(paths["pdf"], pages, title=title)
    return paths
