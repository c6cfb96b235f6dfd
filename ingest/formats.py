"""Readers for Markdown, HTML and PDF: each says what it saw as blocks, the outline does the rest.

A reader emits ``ingest.blocks`` in reading order (a heading's level and its text
as printed, paragraphs, footnotes) and ``ingest.outline`` finds the sections: a
reader never numbers one.  Markdown and HTML have no pages, so their blocks carry
``page=None`` and their citations no page.

* ``.md``: ATX and setext headings at any depth, never inside fenced code; front
  matter skipped; list items, quotes and table rows are paragraphs of their own;
  inline markup reduced to the text a reader sees; ``[^n]`` footnotes.
* ``.html``: ``h1``-``h6`` in ``<main>`` (else the one ``<article>``, else
  ``<body>``); navigation, menus, forms, scripts and hidden elements never reach a
  passage; linked footnote markers and footnote lists become footnotes.  The stdlib
  ``html.parser`` with a small tree builder that tolerates unclosed ``p``/``li``.
* ``.pdf``: text per page with ``pypdf``, cited by the PDF's own page labels; sections
  come from the PDF's outline (bookmarks) when it has one.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

from index.errors import SourceError
from ingest.blocks import Block, Footnote, Heading, Paragraph, clean
from ingest.document import ParsedDocument
from ingest.outline import document_from_blocks


def read_markdown(raw: str, document: str) -> ParsedDocument:
    """A Markdown file's blocks, outlined by its own headings."""
    title, blocks = markdown_blocks(raw)
    return document_from_blocks(document, title, blocks)


def read_html(raw: str, document: str) -> ParsedDocument:
    """An HTML page's main content as blocks, outlined by its own headings."""
    title, blocks = html_blocks(raw)
    return document_from_blocks(document, title, blocks)


def outermost_first(blocks: Sequence[Block], levels: Sequence[int] | None = None) -> list[Block]:
    """The blocks with heading levels shifted so the outermost heading seen is level 1.

    ``levels`` replaces the headings' own levels, in order, when given.  A report
    whose Markdown starts at ``##`` nests the same as one that starts at ``#``.
    """
    found = list(levels) if levels is not None else [b.level for b in blocks if isinstance(b, Heading)]
    shift = min(found, default=1) - 1
    out: list[Block] = []
    position = 0
    for block in blocks:
        if isinstance(block, Heading):
            out.append(Heading(found[position] - shift, block.text, block.page))
            position += 1
        else:
            out.append(block)
    return out


# ---------------------------------------------------------------------------------------------
# Markdown

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_ATTRIBUTES = re.compile(r"\s*\{[#.][^{}]*\}\s*$")
_HTML_HEADING = re.compile(r"^ {0,3}<h([1-6])\b[^>]*>", re.IGNORECASE)
_SETEXT = re.compile(r"^ {0,3}(=+|-{2,})[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_BULLET = re.compile(r"^[ \t]*[-*+](?:[ \t]+(.*))?$")
_ORDERED = re.compile(r"^[ \t]*(\d{1,9})[.)](?:[ \t]+(.*))?$")
_TASK = re.compile(r"^\[[ xX]\][ \t]+")
_QUOTE = re.compile(r"^ {0,3}> ?(.*)$")
_REFERENCE = re.compile(
    r"^ {0,3}\[(?!\^)([^\]]+)\]:[ \t]*<?\S+>?(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?[ \t]*$"
)
_NOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:[ \t]*(.*)$")
_TABLE_RULE = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_INDENTED = re.compile(r"^(?: {4}|\t)")
_FRONT_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*[:=]")
_FRONT_TITLE = re.compile(r"""^title\s*[:=]\s*["']?(.*?)["']?\s*$""")


def markdown_blocks(raw: str) -> tuple[str, list[Block]]:
    """The title its front matter gives (or ``""``) and the blocks of a Markdown text."""
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff").split("\n")
    title, lines = _front_matter(lines)
    lines = _without_comments(lines)
    text = "\n".join(lines)
    inline = _Inline(_note_numbers(text), {m.group(1).casefold() for m in map(_REFERENCE.match, lines) if m})
    return title, outermost_first(_MarkdownBody(inline).read(lines))


def _front_matter(lines: list[str]) -> tuple[str, list[str]]:
    """YAML (``---``) or TOML (``+++``) front matter at the top: its title, and the lines after it."""
    fence = lines[0].strip() if lines else ""
    if fence not in ("---", "+++") or len(lines) < 3 or not _FRONT_KEY.match(lines[1]):
        return "", lines
    ends = ("---", "...") if fence == "---" else ("+++",)
    for end, line in enumerate(lines[1:], start=1):
        if line.strip() in ends:
            titles = [m.group(1) for m in map(_FRONT_TITLE.match, lines[1:end]) if m]
            return (titles[0] if titles else ""), lines[end + 1 :]
    return "", lines


def _without_comments(lines: list[str]) -> list[str]:
    """HTML comments removed outside fenced code, including those spanning lines."""
    out: list[str] = []
    fence = ""
    in_comment = False
    for line in lines:
        if in_comment:
            if "-->" not in line:
                continue
            line = line.split("-->", 1)[1]
            in_comment = False
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
        elif opening:
            fence = opening.group(1)
        else:
            line = re.sub(r"<!--.*?-->", "", line)
            if "<!--" in line:
                line, in_comment = line.split("<!--", 1)[0], True
        out.append(line)
    return out


def _note_numbers(text: str) -> dict[str, int]:
    """Footnote labels to numbers: ``[^3]`` is 3; a named one takes the next free number."""
    labels = list(dict.fromkeys(re.findall(r"\[\^([^\]\s]+)\]", text)))
    numbers = {label: int(label) for label in labels if label.isdigit()}
    taken = set(numbers.values())
    following = 1
    for label in labels:
        if label not in numbers:
            while following in taken:
                following += 1
            numbers[label] = following
            taken.add(following)
    return numbers


class _MarkdownBody:
    """Markdown lines to blocks, one open paragraph at a time (block quotes read recursively)."""

    def __init__(self, inline: _Inline) -> None:
        self.inline = inline
        self.blocks: list[Block] = []
        self.paragraph: list[str] = []
        self.kind = "text"
        """What the open paragraph is: ``text`` (may become a setext heading), ``item`` or ``note``."""
        self.note = 0
        self.last = "text"

    def read(self, lines: list[str]) -> list[Block]:
        at = 0
        while at < len(lines):
            at = self.line(lines, at)
        self.flush()
        return self.blocks

    def line(self, lines: list[str], at: int) -> int:
        """Read the construct that starts at line ``at``; the index of the line after it."""
        line = lines[at]
        if fence := _FENCE.match(line):
            return self.code(lines, at, fence.group(1))
        if not line.strip():
            return self.blank(lines, at)
        if _QUOTE.match(line):
            return self.quote(lines, at)
        if heading := _ATX.match(line):
            self.flush()
            self.heading(len(heading.group(1)), _ATTRIBUTES.sub("", heading.group(2) or ""))
            return at + 1
        if heading := _HTML_HEADING.match(line):
            return self.html_heading(lines, at, int(heading.group(1)))
        if self.paragraph and self.kind == "text" and _SETEXT.match(line):
            text, self.paragraph = " ".join(self.paragraph), []
            self.heading(1 if "=" in line else 2, text)
            return at + 1
        if _RULE.match(line):
            self.flush()
            return at + 1
        if "|" in line and at + 1 < len(lines) and "|" in lines[at + 1] and _TABLE_RULE.match(lines[at + 1]):
            return self.table(lines, at)
        if note := _NOTE_DEFINITION.match(line):
            self.flush()
            self.kind, self.note, self.paragraph = "note", self.inline.numbers[note.group(1)], [note.group(2)]
            return at + 1
        if _REFERENCE.match(line):
            self.flush()
            return at + 1
        item = _BULLET.match(line) or _ORDERED.match(line)
        if item and self.starts_item(item):
            self.flush()
            self.kind, self.paragraph = "item", [_TASK.sub("", _item_text(item))]
            return at + 1
        if not self.paragraph and _INDENTED.match(line) and self.last not in ("item", "note"):
            return self.indented_code(lines, at)
        if not self.paragraph:
            self.kind = "item" if self.last == "item" and _INDENTED.match(line) else "text"
        self.paragraph.append(line)
        return at + 1

    def html_heading(self, lines: list[str], at: int, level: int) -> int:
        """An ``<hN>`` heading in Markdown, on one line or a few (a README's centred title)."""
        closing = re.compile(rf"</h{level}\s*>", re.IGNORECASE)
        end = next((n for n in range(at, min(at + 8, len(lines))) if closing.search(lines[n])), None)
        if end is None:
            self.paragraph.append(lines[at])
            return at + 1
        self.flush()
        self.heading(level, " ".join(lines[at : end + 1]))
        return end + 1

    def starts_item(self, item: re.Match[str]) -> bool:
        """A list item starts after a blank or another item; in a paragraph, only ``-`` or ``1.``."""
        if not self.paragraph or self.kind != "text":
            return True
        ordered_from_one = item.re is not _ORDERED or item.group(1) == "1"
        return ordered_from_one and bool(_item_text(item))

    def blank(self, lines: list[str], at: int) -> int:
        following = next((n for n in range(at, len(lines)) if lines[n].strip()), len(lines))
        if self.kind == "note" and following < len(lines) and _INDENTED.match(lines[following]):
            return following  # the footnote's next paragraph, indented under it
        self.flush()
        return at + 1

    def code(self, lines: list[str], at: int, fence: str) -> int:
        self.flush()
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = next((n for n in range(at + 1, len(lines)) if closing.match(lines[n])), len(lines))
        self.verbatim(lines[at + 1 : end])
        return end + 1

    def indented_code(self, lines: list[str], at: int) -> int:
        end = at
        while end < len(lines) and (_INDENTED.match(lines[end]) or not lines[end].strip()):
            end += 1
        self.verbatim(lines[at:end])
        return end

    def verbatim(self, lines: list[str]) -> None:
        text = clean("\n".join(lines))
        if text:
            self.blocks.append(Paragraph(text))
        self.last = "code"

    def quote(self, lines: list[str], at: int) -> int:
        """A block quote: its lines without their ``>``, read as Markdown; headings in it are text."""
        self.flush()
        quoted: list[str] = []
        while at < len(lines) and lines[at].strip():
            marked = _QUOTE.match(lines[at])
            if marked:
                quoted.append(marked.group(1))
            elif any(p.match(lines[at]) for p in (_ATX, _FENCE, _RULE, _BULLET, _ORDERED)):
                break
            else:
                quoted.append(lines[at])  # a lazy continuation of the quoted paragraph
            at += 1
        for block in _MarkdownBody(self.inline).read(quoted):
            self.blocks.append(Paragraph(block.text) if isinstance(block, Heading) else block)
        self.last = "quote"
        return at

    def table(self, lines: list[str], at: int) -> int:
        """One paragraph per row, cells joined by `` | ``; the header's rule is dropped."""
        self.flush()
        while at < len(lines) and lines[at].strip() and "|" in lines[at]:
            if not _TABLE_RULE.match(lines[at]):
                cells = [self.inline.reduce(cell) for cell in _cells(lines[at])]
                text = " | ".join(cell for cell, _ in cells if cell)
                if text:
                    notes = tuple(n for _, found in cells for n in found)
                    self.blocks.append(Paragraph(text, notes=notes))
            at += 1
        self.last = "table"
        return at

    def heading(self, level: int, text: str) -> None:
        reduced, _ = self.inline.reduce(text)
        if reduced:
            self.blocks.append(Heading(level, reduced))
        self.last = "heading"

    def flush(self) -> None:
        if not self.paragraph:
            return
        joined = " ".join(line.strip().removesuffix("\\") for line in self.paragraph)
        self.paragraph = []
        text, notes = self.inline.reduce(joined)
        if text and self.kind == "note":
            self.blocks.append(Footnote(self.note, text))
        elif text:
            self.blocks.append(Paragraph(text, notes=notes))
        self.last, self.kind = self.kind, "text"


def _item_text(item: re.Match[str]) -> str:
    return (item.group(1) if item.re is _BULLET else item.group(2)) or ""


def _cells(row: str) -> list[str]:
    row = row.strip().replace("\\|", "\ue000")
    row = row.removeprefix("|").removesuffix("|")
    return [cell.replace("\ue000", "|") for cell in row.split("|")]


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>")
_LINE_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TARGET = r"(?:\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\])"
_IMAGE = re.compile(r"!\[([^\]]*)\]" + _TARGET)
_NOTE_MARK = re.compile(r"\[\^([^\]\s]+)\]")
_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]" + _TARGET)
_SHORTCUT = re.compile(r"\[([^\[\]]+)\](?![(\[:])")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_STRONG = re.compile(r"(\*\*|~~)(?=\S)(.+?)(?<=\S)\1|(?<![\w\\])__(?=\S)(.+?)(?<=\S)__(?!\w)")
_EMPHASIS = re.compile(r"\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*|(?<![\w\\])_(?=[^\s_])([^_]+?)(?<=[^\s_])_(?!\w)")
_PRIVATE = 0xE000


@dataclass(frozen=True)
class _Inline:
    """Markdown inline markup reduced to its text; footnote markers become note numbers."""

    numbers: dict[str, int]
    references: set[str]

    def reduce(self, text: str) -> tuple[str, tuple[int, ...]]:
        kept: list[str] = []

        def keep(literal: str) -> str:
            kept.append(literal)
            return chr(_PRIVATE + len(kept) - 1)

        text = _ESCAPED.sub(lambda m: keep(m.group(1)), text)
        text = _CODE_SPAN.sub(lambda m: keep(_code_span(m.group(2))), text)
        text = _AUTOLINK.sub(lambda m: keep(m.group(1)), text)
        text = _LINE_BREAK_TAG.sub(" ", text)
        text = _IMAGE.sub(lambda m: m.group(1), text)
        notes = tuple(self.numbers[label] for label in _NOTE_MARK.findall(text) if label in self.numbers)
        text = _NOTE_MARK.sub("", text)
        for _ in range(3):  # a link inside a link's text (a badge's image link) unwraps in turn
            text = _LINK.sub(lambda m: m.group(1), text)
        text = _SHORTCUT.sub(
            lambda m: m.group(1) if m.group(1).casefold() in self.references else m.group(0), text
        )
        text = _TAG.sub("", text)
        for pattern in (_STRONG, _EMPHASIS, _STRONG, _EMPHASIS):
            text = pattern.sub(lambda m: next(g for g in m.groups()[::-1] if g is not None), text)
        text = html.unescape(text)
        text = re.sub(r"[\ue000-\uf8ff]", lambda m: _restore(kept, m.group(0)), text)
        return " ".join(text.split()), notes


def _code_span(content: str) -> str:
    content = " ".join(content.split("\n"))
    if content.startswith(" ") and content.endswith(" ") and content.strip():
        return content[1:-1]
    return content


def _restore(kept: list[str], token: str) -> str:
    index = ord(token) - _PRIVATE
    return kept[index] if index < len(kept) else token


# ---------------------------------------------------------------------------------------------
# HTML

_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_CLOSES_P = frozenset(
    {
        *_HEADINGS,
        *("address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figcaption"),
        *("figure", "footer", "form", "header", "hgroup", "hr", "main", "menu", "nav", "ol", "p", "pre"),
        *("section", "table", "ul"),
    }
)
_IMPLIED_END: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "li": (frozenset({"li"}), frozenset({"ul", "ol", "menu"})),
    "dt": (frozenset({"dt", "dd"}), frozenset({"dl"})),
    "dd": (frozenset({"dt", "dd"}), frozenset({"dl"})),
    "tr": (frozenset({"tr", "td", "th"}), frozenset({"table", "thead", "tbody", "tfoot"})),
    "td": (frozenset({"td", "th"}), frozenset({"tr", "table"})),
    "th": (frozenset({"td", "th"}), frozenset({"tr", "table"})),
    "thead": (frozenset({"thead", "tbody", "tfoot", "tr", "td", "th"}), frozenset({"table"})),
    "tbody": (frozenset({"thead", "tbody", "tfoot", "tr", "td", "th"}), frozenset({"table"})),
    "tfoot": (frozenset({"thead", "tbody", "tfoot", "tr", "td", "th"}), frozenset({"table"})),
    "option": (frozenset({"option"}), frozenset({"select", "datalist"})),
}
"""What a start tag closes when left open (``<li>`` an open ``<li>``), searched up to its scope."""
_MAX_DEPTH = 128
"""Deeper elements (thousands of unclosed ``<font>``s) hold their text in the element at this depth."""
_P_SCOPE = frozenset({"button", "table", "td", "th", "caption", "object", "template"})

_NEVER_TEXT = frozenset(
    {
        *("nav", "menu", "form", "button", "script", "style", "template", "svg", "noscript", "iframe"),
        *("object", "embed", "canvas", "select", "textarea", "input", "option", "datalist", "dialog"),
        *("head", "title", "meta", "link", "audio", "video", "map"),
    }
)
_NAVIGATION_ROLES = frozenset({"navigation", "menu", "menubar", "search", "toolbar", "dialog", "alertdialog"})
_LANDMARK_ROLES = frozenset({"banner", "contentinfo", "complementary"})
"""The roles of a page's header, footer and aside."""
_NAVIGATION_CLASSES = frozenset(
    {
        *("nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "sidebar", "sphinxsidebar"),
        *("toc", "skip-link", "sr-only", "visually-hidden", "visuallyhidden", "screen-reader-text"),
        "headerlink",
    }
)
_ANCHOR_CLASSES = frozenset({"anchor", "anchor-link", "hash-link", "header-anchor", "heading-anchor"})
_BLOCK = frozenset(
    {
        *_CLOSES_P,
        *("body", "caption", "center", "dd", "dialog", "dt", "html", "legend", "li", "summary", "tbody"),
        *("td", "tfoot", "th", "thead", "tr"),
    }
)
_BACKLINK_CLASSES = frozenset({"footnote-back", "footnote-backref", "fn-backref", "reversefootnote"})
_MARKER_CLASSES = frozenset({"footnote-ref", "footnote-reference", "footnoteref"})
_MARKER_TEXT = re.compile(r"[\[(]?\s*(\d{1,4}|[*\u2020\u2021\u00a7a-z])\s*[\])]?")
_NOTE_TARGET = re.compile(r"(?:user-content-)?(?:fn|footnote|cite_note|note)[-_:]?\w*\d", re.IGNORECASE)
_BACK_TARGETS = ("fnref", "footnote-ref", "user-content-fnref")
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")
_TITLE_SEPARATORS = (" | ", " \u2014 ", " \u2013 ", " - ", " \u00b7 ", " :: ", " \u00bb ")


@dataclass(eq=False)
class _Element:
    """An element of the page: its tag, attributes and children (elements and text)."""

    tag: str
    attrs: dict[str, str]
    parent: _Element | None = None
    children: list[_Element | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    @property
    def role(self) -> str:
        return self.attrs.get("role", "").strip().lower()

    def descendants(self) -> Iterator[_Element]:
        for child in self.children:
            if isinstance(child, _Element):
                yield child
                yield from child.descendants()

    def text(self) -> str:
        """All the text under the element, as the source has it."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


class _TreeBuilder(HTMLParser):
    """A forgiving tree: unclosed ``p``/``li``/``td`` end where HTML says; stray end tags are ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("#document", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=tag in _VOID)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=True)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], *, closed: bool) -> None:
        if tag in _CLOSES_P:
            self._close(frozenset({"p"}), _P_SCOPE)
        if tag in _HEADINGS and self.open[-1].tag in _HEADINGS:
            self.open.pop()
        if tag in _IMPLIED_END:
            self._close(*_IMPLIED_END[tag])
        element = _Element(tag, {name: value or "" for name, value in attrs}, self.open[-1])
        self.open[-1].children.append(element)
        if not closed and len(self.open) < _MAX_DEPTH:
            self.open.append(element)

    def _close(self, names: frozenset[str], scope: frozenset[str]) -> None:
        """Close the outermost open ``names`` element inside the innermost ``scope`` (a row, not its cell)."""
        outermost = 0
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag in scope:
                break
            if self.open[depth].tag in names:
                outermost = depth
        if outermost:
            del self.open[outermost:]


def html_blocks(raw: str) -> tuple[str, list[Block]]:
    """The page's title and the blocks of its main content."""
    builder = _TreeBuilder()
    builder.feed(raw)
    builder.close()
    tree = builder.root
    root = _content_root(tree)
    reader = _HtmlReader(_footnotes(tree))
    landmark = root.tag in ("main", "article") or root.role == "main"
    reader.walk(root, depth=0, landmark=landmark)
    reader.flush()
    for container in reader.containers:  # footnote lists outside the main content
        if not reader.seen(container) and not _hidden(container):
            reader.visit(container, depth=0, landmark=True)
    title_element = next((e for e in tree.descendants() if e.tag == "title"), None)
    first = next((b.text for b in reader.blocks if isinstance(b, Heading)), "")
    title = _page_title(title_element.text() if title_element else "", first)
    return title, reader.outlined()


def _content_root(tree: _Element) -> _Element:
    """``<main>`` (or ``role="main"``), else the page's one ``<article>``, else ``<body>``."""
    elements = [e for e in tree.descendants() if not _hidden(e)]
    for element in elements:
        if element.tag == "main" or element.role == "main":
            return element
    articles = [e for e in elements if e.tag == "article"]
    if len(articles) == 1:
        return articles[0]
    return next((e for e in elements if e.tag == "body"), tree)


def _hidden(element: _Element) -> bool:
    """Hidden, or inside something hidden or navigational, wherever it stands."""
    node: _Element | None = element
    while node is not None:
        if _invisible(node) or node.tag == "nav" or node.role in _NAVIGATION_ROLES:
            return True
        node = node.parent
    return False


def _invisible(element: _Element) -> bool:
    attrs = element.attrs
    style = attrs.get("style", "").replace(" ", "").lower()
    return (
        "hidden" in attrs
        or attrs.get("aria-hidden", "").strip().lower() == "true"
        or "display:none" in style
        or "visibility:hidden" in style
    )


@dataclass(frozen=True)
class _Note:
    number: int
    element: _Element
    target: str


@dataclass
class _Footnotes:
    """The page's footnote lists (by element) and the numbers their targets stand for."""

    lists: dict[int, list[_Note]] = field(default_factory=dict)
    elements: list[_Element] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)


def _footnotes(tree: _Element) -> _Footnotes:
    found = _Footnotes()
    following = 1

    def search(element: _Element) -> None:
        nonlocal following
        for child in element.children:
            if not isinstance(child, _Element):
                continue
            if _note_kind(child) is None:
                search(child)
                continue
            notes = _notes_in(child)
            renumbered = []
            for note in notes:
                number = note.number if note.number > 0 else following
                following = max(following, number) + 1
                renumbered.append(_Note(number, note.element, note.target))
                if note.target:
                    found.numbers[note.target] = number
            found.lists[id(child)] = renumbered
            found.elements.append(child)

    search(tree)
    return found


def _note_kind(element: _Element) -> str | None:
    """``list`` of footnotes, one ``note``, ``pairs`` (a ``dl`` of labels and texts), or ``None``."""
    classes = element.classes
    if element.role in ("doc-endnotes", "doc-footnotes"):
        return "list"
    if element.tag == "dl" and "footnote" in classes:
        return "pairs"
    if element.role in ("doc-footnote", "doc-endnote"):
        return "note"
    if classes & {"footnotes", "footnote-list"} or (element.tag == "ol" and "references" in classes):
        return "list"
    if "footnote" in classes and element.tag in ("aside", "div", "table", "section", "li"):
        return "list" if any(e.tag == "li" for e in element.descendants()) else "note"
    return None


def _notes_in(element: _Element) -> list[_Note]:
    """The footnotes an element holds, numbered by their label or list position (0: unknown)."""
    kind = _note_kind(element)
    if kind == "note":
        mark = next((e for e in element.descendants() if e.classes & {"label", "fn-label"}), None)
        number = _digits(mark.text()) if mark else 0
        return [_Note(number or _digits(element.attrs.get("id", "")), element, element.attrs.get("id", ""))]
    if kind == "pairs":
        notes: list[_Note] = []
        label: _Element | None = None
        for child in element.children:
            if isinstance(child, _Element) and child.tag == "dt":
                label = child
            elif isinstance(child, _Element) and child.tag == "dd" and label is not None:
                target = label.attrs.get("id", "") or child.attrs.get("id", "")
                notes.append(_Note(_digits(label.text()), child, target))
        return notes
    return _listed_notes(element)


def _listed_notes(element: _Element) -> list[_Note]:
    """The footnotes of a list of them: ``li`` items numbered by position, or notes of their own."""
    notes: list[_Note] = []
    for child in element.children:
        if not isinstance(child, _Element):
            continue
        if child.tag in ("ol", "ul"):
            start = _digits(child.attrs.get("start", "")) or 1
            items = [c for c in child.children if isinstance(c, _Element) and c.tag == "li"]
            for position, item in enumerate(items):
                number = start + position if child.tag == "ol" else _digits(item.attrs.get("id", ""))
                notes.append(_Note(number, item, item.attrs.get("id", "")))
        elif _note_kind(child) is not None:
            notes.extend(_notes_in(child))
        else:
            notes.extend(_listed_notes(child))
    return notes


def _digits(text: str) -> int:
    found = re.findall(r"\d+", text)
    return int(found[-1]) if found else 0


class _HtmlReader:
    """Walks the main content, emitting a paragraph at each block boundary and a heading per ``hN``."""

    def __init__(self, footnotes: _Footnotes) -> None:
        self.footnotes = footnotes
        self.containers = footnotes.elements
        self.blocks: list[Block] = []
        self.levels: list[tuple[int, int]] = []
        """Each heading's tag level and the number of sections around it."""
        self.buffer: list[str] = []
        self.notes: list[int] = []
        self.flat = False
        """Collecting one text (a heading, a cell, a footnote): block boundaries are spaces."""
        self.in_note = False
        self.done: set[int] = set()

    def seen(self, element: _Element) -> bool:
        return id(element) in self.done

    def walk(self, element: _Element, *, depth: int, landmark: bool) -> None:
        for child in element.children:
            if isinstance(child, str):
                self.buffer.append(child)
            else:
                self.visit(child, depth=depth, landmark=landmark)

    def visit(self, element: _Element, *, depth: int, landmark: bool) -> None:
        tag = element.tag
        if id(element) in self.footnotes.lists:
            if not self.flat:
                self.flush()
                self.done.add(id(element))
                for note in self.footnotes.lists[id(element)]:
                    text, _ = self.collect(note.element, in_note=True)
                    if text:
                        self.blocks.append(Footnote(note.number, text))
            return
        if self.dropped(element, landmark=landmark):
            return
        number = self.marker(element)
        if number is not None:
            self.notes.append(number)
            return
        if tag == "br":
            self.buffer.append(" ")
        elif self.flat:
            spaced = tag in _BLOCK
            self.buffer.append(" " if spaced else "")
            self.walk(element, depth=depth, landmark=True)
            self.buffer.append(" " if spaced else "")
        elif tag in _HEADINGS:
            self.flush()
            text, _ = self.collect(element)
            text = text.rstrip("\u00b6\U0001f517 ")
            if text:
                self.levels.append((_HEADINGS[tag], depth))
                self.blocks.append(Heading(_HEADINGS[tag], text))
        elif tag == "tr" and not self.layout_row(element):
            self.flush()
            cells = [
                self.collect(c) for c in element.children if isinstance(c, _Element) and c.tag in ("td", "th")
            ]
            text = " | ".join(cell for cell, _ in cells if cell)
            if text:
                self.blocks.append(Paragraph(text, notes=tuple(n for _, notes in cells for n in notes)))
        elif tag == "pre":
            self.flush()
            text = clean(_INVISIBLE.sub("", element.text()))
            if text:
                self.blocks.append(Paragraph(text))
        elif tag in _BLOCK:
            self.flush()
            inside = depth + (tag in ("section", "article"))
            self.walk(
                element,
                depth=inside,
                landmark=landmark or tag in ("main", "article") or element.role == "main",
            )
            self.flush()
        else:
            self.walk(element, depth=depth, landmark=landmark)

    def dropped(self, element: _Element, *, landmark: bool) -> bool:
        """Never text: navigation, forms, scripts, hidden things; headers, footers, asides outside main."""
        tag, classes, role = element.tag, element.classes, element.role
        if tag in _NEVER_TEXT or role in _NAVIGATION_ROLES or _invisible(element):
            return True
        if classes & _NAVIGATION_CLASSES or element.attrs.get("id", "").lower() in _NAVIGATION_CLASSES:
            return True
        if not landmark and _link_list(element):
            return True
        if tag == "a" and (_backlink(element) or _anchor(element)):
            return True
        if self.in_note and classes & {"label", "fn-label"}:
            return True
        if "rubric" in classes and _squash(element.text()).casefold() in ("footnotes", "notes"):
            return True  # Sphinx's caption above its footnotes
        return not landmark and (tag in ("header", "footer", "aside") or role in _LANDMARK_ROLES)

    def marker(self, element: _Element) -> int | None:
        """The footnote number a ``<sup>`` or link marker stands for, or ``None`` if it is not one."""
        if element.tag == "sup":
            links = [e for e in element.descendants() if e.tag == "a"]
            if len(links) == 1 and _squash(links[0].text()) == _squash(element.text()):
                return self.marker(links[0])
            return None
        if element.tag != "a" or self.in_note:
            return None
        href = element.attrs.get("href", "")
        target = href.partition("#")[2] if "#" in href else ""
        text = _squash(element.text())
        if not target or _backlink(element) or not _MARKER_TEXT.fullmatch(text):
            return None
        if target in self.footnotes.numbers:
            return self.footnotes.numbers[target]
        announced = (
            element.role == "doc-noteref"
            or bool(element.classes & _MARKER_CLASSES)
            or "data-footnote-ref" in element.attrs
            or bool(_NOTE_TARGET.fullmatch(target) and not target.lower().startswith(_BACK_TARGETS))
        )
        return _digits(text) or None if announced else None

    def layout_row(self, row: _Element) -> bool:
        """A table row used for page layout (its cells hold headings or tables) is read as blocks."""
        return any(e.tag in _HEADINGS or e.tag == "table" for e in row.descendants())

    def collect(self, element: _Element, *, in_note: bool = False) -> tuple[str, list[int]]:
        """The element's text on one line (and the footnote markers in it)."""
        saved = self.buffer, self.notes, self.flat, self.in_note
        self.buffer, self.notes, self.flat, self.in_note = [], [], True, in_note
        self.walk(element, depth=0, landmark=True)
        text, notes = _squash("".join(self.buffer)), self.notes
        self.buffer, self.notes, self.flat, self.in_note = saved
        return text, notes

    def flush(self) -> None:
        text = _squash("".join(self.buffer))
        self.buffer = []
        if text:
            self.blocks.append(Paragraph(text, notes=tuple(self.notes)))
            self.notes = []
        elif self.notes and self.blocks and isinstance(self.blocks[-1], Paragraph):
            last = self.blocks[-1]
            self.blocks[-1] = Paragraph(last.text, last.page, last.continued, (*last.notes, *self.notes))
            self.notes = []

    def outlined(self) -> list[Block]:
        """Levels by tag; by section depth only when every heading is an ``h1`` in nested sections."""
        tags = [tag for tag, _ in self.levels]
        depths = [depth for _, depth in self.levels]
        by_depth = set(tags) == {1} and len(set(depths)) > 1
        return outermost_first(self.blocks, depths if by_depth else tags)


def _link_list(element: _Element) -> bool:
    """A list of nothing but links (three or more): a menu, on a page that does not mark its content."""
    if element.tag not in ("ul", "ol"):
        return False
    items = [c for c in element.children if isinstance(c, _Element) and c.tag == "li"]
    return len(items) >= 3 and all(
        _squash(item.text()) == _squash(" ".join(a.text() for a in item.descendants() if a.tag == "a"))
        for item in items
    )


def _anchor(element: _Element) -> bool:
    """A heading's permalink (``¶``, ``#``): a mark, not text."""
    return bool(element.classes & _ANCHOR_CLASSES) and len(_squash(element.text())) <= 2


def _backlink(element: _Element) -> bool:
    return (
        element.role == "doc-backlink"
        or bool(element.classes & _BACKLINK_CLASSES)
        or "data-footnote-backref" in element.attrs
        or _squash(element.text()) in ("\u21a9", "\u21a9\ufe0e", "\u21a9\ufe0f")
    )


def _squash(text: str) -> str:
    return " ".join(_INVISIBLE.sub("", text).split())


def _page_title(title: str, first_heading: str) -> str:
    """``<title>``, without a site's name beside it when the rest is the first heading; else that heading."""
    title = _squash(title)
    if not title:
        return first_heading
    wanted = _squash(first_heading).casefold()
    for separator in _TITLE_SEPARATORS:
        for part in title.split(separator):
            if wanted and part.strip().casefold() == wanted:
                return part.strip()
    return title


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
