"""Readers for Markdown, HTML and PDF: each turns a file into headings and paragraphs.

* ``.md``: ``#`` to ``###`` headings are sections; deeper ones and everything else are text.
* ``.html``: ``h1``-``h3`` are sections; ``p``, ``li``, ``td`` and the like are paragraphs;
  scripts and styles are dropped (stdlib ``html.parser``, no new dependency).
* ``.pdf``: text per page with ``pypdf``, cited by the PDF's own page labels; sections
  come from the PDF's outline (bookmarks) when it has one.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from typing import ClassVar

from index.errors import SourceError
from ingest.blocks import Block, Heading, Paragraph, document_from_blocks
from ingest.document import ParsedDocument

MD_HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$")


def read_markdown(raw: str, document: str) -> ParsedDocument:
    blocks: list[Block] = []
    paragraph: list[str] = []
    title = ""

    def flush() -> None:
        if paragraph:
            blocks.append(Paragraph("\n".join(paragraph)))
            paragraph.clear()

    in_fence = False
    for line in raw.replace("\r\n", "\n").split("\n"):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        match = None if in_fence else MD_HEADING.match(line)
        if match:
            flush()
            blocks.append(Heading(len(match.group(1)), match.group(2)))
            title = title or match.group(2)
        elif not line.strip():
            flush()
        else:
            paragraph.append(line)
    flush()
    return document_from_blocks(document, title, blocks)


class _HtmlBlocks(HTMLParser):
    HEADINGS: ClassVar[dict[str, int]] = {"h1": 1, "h2": 2, "h3": 3}
    BLOCKS: ClassVar[set[str]] = {
        "p",
        "li",
        "td",
        "th",
        "div",
        "blockquote",
        "pre",
        "dd",
        "dt",
        "section",
        "article",
        "h4",
        "h5",
        "h6",
        "br",
        "tr",
        "table",
        "ul",
        "ol",
        "body",
    }
    SKIP: ClassVar[set[str]] = {"script", "style", "head", "title", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.heading: int | None = None
        self.skipping = 0
        self.title = ""
        self.in_title = False

    def flush(self) -> None:
        text = " ".join("".join(self.buffer).split())
        self.buffer.clear()
        if text:
            self.blocks.append(Heading(self.heading, text) if self.heading else Paragraph(text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.HEADINGS:
            self.flush()
            self.heading = self.HEADINGS[tag]
        elif tag in self.BLOCKS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.HEADINGS:
            self.flush()
            self.heading = None
        elif tag in self.BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        if not self.skipping:
            self.buffer.append(data)


def read_html(raw: str, document: str) -> ParsedDocument:
    parser = _HtmlBlocks()
    parser.feed(raw)
    parser.close()
    parser.flush()
    first = next((b.title for b in parser.blocks if isinstance(b, Heading)), "")
    return document_from_blocks(document, " ".join(parser.title.split()) or first, parser.blocks)


def _page_number(label: str, index: int) -> int:
    return int(label) if label.isdigit() else index + 1


def read_pdf(data: bytes, document: str, *, path: str = "") -> ParsedDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        labels = list(reader.page_labels)
        pages = [page.extract_text() or "" for page in reader.pages]
        outline = _outline(reader)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise SourceError(f"{path or document}: not a readable PDF ({exc})") from exc
    blocks: list[Block] = []
    for index, text in enumerate(pages):
        page = _page_number(labels[index] if index < len(labels) else "", index)
        titles = outline.get(index, [])
        for chunk in re.split(r"\n\s*\n", text):
            if not chunk.strip():
                continue
            heading = next((t for t in titles if chunk.strip().startswith(t[1])), None)
            if heading is not None:
                titles.remove(heading)
                blocks.append(Heading(heading[0], heading[1], page))
                chunk = chunk.strip()[len(heading[1]) :]
            lines = [line for line in chunk.split("\n") if line.strip()]
            while lines and any(lines[0].strip() == t for _, t in titles):
                level, name = next(t for t in titles if t[1] == lines[0].strip())
                titles.remove((level, name))
                blocks.append(Heading(level, name, page))
                lines = lines[1:]
            if lines:
                blocks.append(Paragraph("\n".join(lines), page))
    title = str(reader.metadata.get("/Title") or "") if reader.metadata else ""
    return document_from_blocks(document, title, blocks)


def _outline(reader: object) -> dict[int, list[tuple[int, str]]]:
    """Outline entries by page index: ``(level, title)``, levels 1-3."""
    found: dict[int, list[tuple[int, str]]] = {}

    def walk(items: list[object], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            elif level <= 3:
                try:
                    index = reader.get_destination_page_number(item)  # type: ignore[attr-defined]
                except Exception:
                    continue
                found.setdefault(index, []).append((level, " ".join(str(item.title).split())))  # type: ignore[attr-defined]

    walk(list(reader.outline), 1)  # type: ignore[attr-defined]
    return found
