"""The reader view: one document's outline and canonical text as a page, each passage its own anchor.

Rendered on the server (no build step, no external resources), so a citation's link
works in any browser: ``#p-<passage id>`` scrolls to the passage, which CSS ``:target``
highlights; ``?passage=`` marks it as cited and ``&highlight=start-end`` marks the answer's
span inside it (offsets within the passage text, clamped to it).  The small
``/static/reader.js`` only centres and focuses the cited passage.  Pure: text in, HTML out.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise

from index.citing import pages_text
from index.models import Passage, Section
from service.links import Links

FORMAT_NAMES = {"pdf": "PDF", "md": "Markdown", "markdown": "Markdown", "html": "HTML", "htm": "HTML"}


@dataclass(frozen=True)
class ReaderDocument:
    """What the reader view shows of one document, taken from one index version."""

    id: str
    title: str
    format: str
    sections: Sequence[Section]
    passages: Sequence[Passage]
    page_breaks: Sequence[tuple[int, int | None]]


def pages_from_passages(passages: Sequence[Passage]) -> list[tuple[int, int | None]]:
    """Page breaks as well as passages tell them, for an index that did not record its own."""
    breaks: list[tuple[int, int | None]] = []
    for passage in sorted(passages, key=lambda p: p.citation.start):
        if not breaks or passage.citation.page != breaks[-1][1]:
            breaks.append((passage.citation.start if breaks else 0, passage.citation.page))
    return breaks or [(0, None)]


class _Pages:
    """Where pages begin, and which page markers have been shown (the first of each gets the anchor)."""

    def __init__(self, breaks: Sequence[tuple[int, int | None]], doc: str, links: Links) -> None:
        self.breaks = sorted(breaks, key=lambda item: item[0])
        self.offsets = [offset for offset, _ in self.breaks]
        self.doc, self.links = doc, links
        self.shown: set[int] = set()
        self.last: int | None = None

    def at(self, offset: int) -> int | None:
        return self.breaks[max(0, bisect_right(self.offsets, offset) - 1)][1]

    def inside(self, start: int, end: int) -> list[tuple[int, int]]:
        """``(offset, page)`` of every page that begins strictly inside ``[start, end)``."""
        return [(o, p) for o, p in self.breaks if start < o < end and p is not None]

    def marker(self, page: int) -> str:
        anchor = "" if page in self.shown else f' id="page-{page}"'
        self.shown.add(page)
        self.last = page
        pdf = self.links.source_page(self.doc, page)
        label = f"Page {page}"
        if pdf is not None:
            label += f' · <a href="{escape(pdf)}">open in the PDF</a>'
        return f'<span class="page-break"{anchor}>{label}</span>'


def _passage_html(passage: Passage, pages: _Pages, *, cited: bool, highlight: tuple[int, int] | None) -> str:
    """A passage as one focusable element: its text, its page breaks and, when cited, its marked span."""
    start, text = passage.citation.start, passage.text
    before = ""
    first = pages.at(start)
    if first is not None and first != pages.last:
        before = pages.marker(first)
    mark = (0, 0)
    if cited and highlight is not None:
        mark = (max(0, min(highlight[0], len(text))), max(0, min(highlight[1], len(text))))
    breaks = {offset - start: page for offset, page in pages.inside(start, start + len(text))}
    cuts = sorted({0, len(text), *mark, *breaks})
    pieces: list[str] = []
    for left, right in pairwise(cuts):
        if left in breaks:
            pieces.append(pages.marker(breaks[left]))
        chunk = escape(text[left:right])
        pieces.append(f"<mark>{chunk}</mark>" if mark[0] <= left < mark[1] else chunk)
    end_page = pages.at(start + len(text) - 1) if text else None
    if end_page is not None:
        pages.last = end_page
    classes = "passage cited" if cited else "passage"
    current = ' aria-current="location"' if cited else ""
    footnote = passage.citation.footnote
    note = f'<span class="footnote-number">{footnote}</span> ' if footnote is not None else ""
    body = "".join(pieces)
    return f'{before}<p class="{classes}" id="p-{escape(passage.id)}" tabindex="-1"{current}>{note}{body}</p>'


def _section_label(section: Section) -> str:
    """``B.4 Remittances``; just the title when the document prints no label (the id is the title)."""
    return section.title if section.id == section.title else f"{section.id} {section.title}"


def _level(section: Section) -> int:
    """h2 for a top section, h3 and h4 below it, by the depth of its label."""
    return min(2 + section.id.count("."), 4)


def render_reader(
    doc: ReaderDocument,
    links: Links,
    *,
    cited: str | None = None,
    highlight: tuple[int, int] | None = None,
) -> str:
    """The reader view's HTML: header, table of contents, then every section's passages in order."""
    by_section: dict[str, list[Passage]] = {}
    for passage in sorted(doc.passages, key=lambda p: (p.citation.footnote is not None, p.citation.start)):
        by_section.setdefault(passage.citation.section, []).append(passage)
    pages = _Pages(doc.page_breaks, doc.id, links)
    sections = sorted(doc.sections, key=lambda s: s.start)
    toc: list[str] = []
    body: list[str] = []
    for number, section in enumerate(sections, start=1):
        where = pages_text(section.page, section.page_end)
        suffix = f' <span class="pages">({escape(where)})</span>' if where else ""
        label = escape(_section_label(section))
        toc.append(f'<li><a href="#s-{number}">{label}</a>{suffix}</li>')
        level = _level(section)
        parts = [f'<h{level} id="s-{number}">{label}</h{level}>']
        parts += [
            _passage_html(p, pages, cited=p.id == cited, highlight=highlight)
            for p in by_section.pop(section.id, [])
        ]
        body.append(f'<section aria-labelledby="s-{number}">{"".join(parts)}</section>')
    for rest in by_section.values():  # a passage whose section the outline lacks: still shown
        body.append("".join(_passage_html(p, pages, cited=p.id == cited, highlight=highlight) for p in rest))
    title = escape(doc.title)
    source = links.source(doc.id)
    kind = FORMAT_NAMES.get(doc.format, doc.format.upper() or "file")
    original = f' · <a href="{escape(source)}">Original file ({escape(kind)})</a>' if source else ""
    jump = (
        f'<p class="cited-note"><a href="#p-{escape(cited)}">Go to the cited passage</a></p>' if cited else ""
    )
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} · reportqa</title>
  <link rel="stylesheet" href="/static/style.css">
  <script src="/static/reader.js" defer></script>
</head>
<body class="reader">
  <a class="skip" href="#text">Skip to the text</a>
  <header>
    <p class="back"><a href="/">Ask the report</a></p>
    <h1>{title}</h1>
    <p class="lede">Document <code>{escape(doc.id)}</code>{original}</p>
    {jump}
  </header>
  <nav id="contents" aria-labelledby="contents-heading">
    <h2 id="contents-heading">Contents</h2>
    <ol>{"".join(toc)}</ol>
  </nav>
  <main id="text" tabindex="-1">
{"".join(body)}
  </main>
</body>
</html>
"""
