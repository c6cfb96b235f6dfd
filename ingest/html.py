"""The HTML reader: a page's main content as blocks; ``ingest.outline`` finds the sections.

``h1``-``h6`` in ``<main>`` (else the one ``<article>``, else ``<body>``);
navigation, menus, forms, scripts and hidden elements never reach a passage;
linked footnote markers and footnote lists become footnotes.  Documentation
generators' chrome is no text either: bars of links to the pages around
(``rel="next"``, Texinfo's node headers, DocBook's ``navheader``, groff's
``[ prev | next | top ]``), a page's title printed over sections of its own level,
and a page that only redirects.  The stdlib ``html.parser`` with a small tree
builder that tolerates unclosed ``p``/``li``.  HTML has no pages, so blocks carry
``page=None`` and citations no page.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ingest.blocks import Block, Footnote, Heading, Paragraph, clean
from ingest.document import ParsedDocument
from ingest.labels import split_label
from ingest.markdown import outermost_first
from ingest.outline import document_from_blocks


def read_html(raw: str, document: str) -> ParsedDocument:
    """An HTML page's main content as blocks, outlined by its own headings."""
    title, blocks = html_blocks(raw)
    return document_from_blocks(document, title, blocks)


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
_SPACED = frozenset({"label"})
"""Inline, yet each a word apart from its neighbours: tabs' labels (MkDocs Material's "Linux", "Windows")."""
_LINK_BOXES = frozenset({"td", "th", "tr", "table", "div", "ul", "ol", "dl"})
_BAR_BOXES = _LINK_BOXES | {"p", "header", "footer"}
_ALPHANUMERIC = re.compile(r"[\W_]+")
_NAVIGATION_ROLES = frozenset({"navigation", "menu", "menubar", "search", "toolbar", "dialog", "alertdialog"})
_LANDMARK_ROLES = frozenset({"banner", "contentinfo", "complementary"})
"""The roles of a page's header, footer and aside."""
_NAVIGATION_CLASSES = frozenset(
    {
        *("nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "sidebar", "sphinxsidebar"),
        *("toc", "skip-link", "sr-only", "visually-hidden", "visuallyhidden", "screen-reader-text"),
        "headerlink",
        *("section-toc", "mini-toc"),  # Texinfo's list of a node's subsections (6.8, 7)
        *("navheader", "navfooter"),  # DocBook XSL's bars of Prev / Up / Home / Next
        *("prompt", "jp-inputprompt", "jp-outputprompt"),  # a notebook's "In [1]:" (nbconvert)
    }
)
_SEQUENCE_RELS = frozenset(
    {"next", "prev", "previous", "up", "contents", "index", "start", "first", "last", "home", "toc"}
)
"""HTML's link types for a page among others: ``rel="next"`` goes to the next page of a manual."""
_MAX_BAR_LETTERS = 24
"""Letters a navigation bar prints besides its links: "Next:", "Previous:", "Up:"."""
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
_NOTE_LABELS = frozenset({"label", "fn-label", "footnote-definition-label"})
"""The element that prints a note's number, inside the note."""
_BRACKETS = frozenset({("[", "]"), ("(", ")")})
_NOTE_LEAD = re.compile(r"^[.:)\]]\s*")
"""What stood after a note's number once its backlink is gone: the ". " of "1. Text"."""
_BACK_TARGETS = ("fnref", "footnote-ref", "user-content-fnref")
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")
_TITLE_CLASSES = frozenset({"title", "settitle"})
"""A heading that is the document's title: docutils' and pandoc's ``title``, Texinfo's ``settitle``."""
_CREDIT_CLASSES = frozenset({"author", "editor", "othercredit", "corpauthor"})
"""A heading that names a person on a title page (DocBook's ``<h3 class="author">``)."""
_BAR_LINKS = 2
_CONTENTS_LINKS = 3
_NAV_WORDS = frozenset(
    {"prev", "previous", "next", "up", "top", "home", "contents", "index", "back", "forward", "first", "last"}
)
"""What a link to a page around this one is named in a navigation bar."""
_FILE_NAME = re.compile(r"[\w.-]+\.(?:html?|xhtml)", re.IGNORECASE)
"""A ``<title>`` that is the page's file name ("pic-3.html", as groff writes it) names nothing."""
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
    if _redirect(tree):
        return "", []
    root = _content_root(tree)
    reader = _HtmlReader(_footnotes(tree))
    landmark = root.tag in ("main", "article") or root.role == "main"
    reader.walk(root, depth=0, landmark=landmark)
    reader.flush()
    for container in reader.containers:  # footnote lists outside the main content
        if not reader.seen(container) and not _hidden(container):
            reader.visit(container, depth=0, landmark=True)
    title_element = next((e for e in tree.descendants() if e.tag == "title"), None)
    page_title = _squash(title_element.text()) if title_element else ""
    first = next((b.text for b in reader.blocks if isinstance(b, Heading)), "")
    title = _page_title(page_title, first)
    reader.settle_title(page_title)
    return title, reader.outlined()


def _redirect(tree: _Element) -> bool:
    """A page that sends the reader on at once (``<meta http-equiv="refresh" content="0; url=...">``).

    Its text only points to where the content is (Texinfo's "The node you are looking for is
    at Options." for every node that shares a page with its chapter), so it has none of its own.
    """
    for meta in (e for e in tree.descendants() if e.tag == "meta"):
        if meta.attrs.get("http-equiv", "").strip().lower() == "refresh":
            delay, _, target = meta.attrs.get("content", "").partition(";")
            if delay.strip() in ("0", "0.0") and "url=" in target.replace(" ", "").lower():
                return True
    return False


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
    markers: set[str] = field(default_factory=set)
    """The ids of the links to the notes: a link in a note to one of them leads back to its marker."""


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
    found.markers = {
        a.attrs["id"]
        for a in tree.descendants()
        if a.tag == "a" and a.attrs.get("id") and _target(a) in found.numbers
    }
    return found


def _target(link: _Element) -> str:
    """The id a link points to within the page (``href="#FOOT1"``), or ``""``."""
    href = link.attrs.get("href", "")
    return href.partition("#")[2] if "#" in href else ""


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
    if "footnote-definition" in classes:  # mdBook: an <ol> of them (0.5), a <div> each (0.4)
        return "list" if element.tag in ("ol", "ul") else "note"
    if "footnote" in classes and element.tag in ("aside", "div", "table", "section", "li"):
        return "list" if any(e.tag == "li" for e in element.descendants()) else "note"
    return None


def _notes_in(element: _Element) -> list[_Note]:
    """The footnotes an element holds, numbered by their label or list position (0: unknown)."""
    kind = _note_kind(element)
    if kind == "note" and (anchored := _anchored_notes(element)):
        return anchored
    if kind == "note":
        mark = next((e for e in element.descendants() if e.classes & _NOTE_LABELS), None)
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


def _anchored_notes(element: _Element) -> list[_Note]:
    """Notes that each open with a numbered anchor linking back to the marker, in one box.

    Texinfo writes all of a page's notes in one ``<div class="footnote">``, under a
    "Footnotes" heading: ``<h5><a id="FOOT1" href="#DOCF1">(1)</a></h5><p>Text</p>``.
    A note is what follows its anchor up to the next one; the heading before the first
    is no note's text.
    """
    children = element.children
    starts: list[tuple[int, _Element, _Element]] = []
    for index, child in enumerate(children):
        if not isinstance(child, _Element):
            continue
        links = [child] if child.tag == "a" else [e for e in child.descendants() if e.tag == "a"]
        anchor = next((a for a in links if a.attrs.get("id") and _target(a) and _marked(a)), None)
        if anchor is not None:
            starts.append((index, child, anchor))
    notes: list[_Note] = []
    for position, (index, child, anchor) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(children)
        alone = _squash(child.text()) == _squash(anchor.text())  # the anchor's own line, as <h5>(1)</h5>
        body = _Element("div", {}, element, children[index + alone : end])
        notes.append(_Note(_digits(anchor.text()), body, anchor.attrs["id"]))
    return notes


def _marked(link: _Element) -> bool:
    """The link's text is a footnote number: ``1``, ``(1)``, ``[1]``."""
    return bool(_MARKER_TEXT.fullmatch(_squash(link.text()))) and _digits(link.text()) > 0


def _listed_notes(element: _Element) -> list[_Note]:
    """The footnotes of a list of them: ``li`` items numbered by position, or notes of their own.

    The list may be the element itself (mdBook's ``<ol class="footnote-definition">``,
    MediaWiki's ``<ol class="references">``) or inside it (pandoc's ``<section>``).
    """
    if element.tag in ("ol", "ul"):
        start = _digits(element.attrs.get("start", "")) or 1
        items = [c for c in element.children if isinstance(c, _Element) and c.tag == "li"]
        return [
            _Note(
                start + position if element.tag == "ol" else _digits(item.attrs.get("id", "")),
                item,
                item.attrs.get("id", ""),
            )
            for position, item in enumerate(items)
        ]
    notes: list[_Note] = []
    for child in element.children:
        if not isinstance(child, _Element):
            continue
        if child.tag in ("ol", "ul"):
            notes.extend(_listed_notes(child))
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
        self.titled: list[bool] = []
        """Each heading's class says it is the document's title (``<h1 class="title">``)."""
        self.run_links = Counter[str]()
        self.run_letters = 0
        """Links named "next", "prev"... (``nav``) or to places in the page (``local``) since the last
        block boundary, and their letters."""
        self.buffer: list[str] = []
        self.notes: list[int] = []
        self.flat = False
        """Collecting one text (a heading, a cell, a footnote): block boundaries are spaces."""
        self.in_note = False
        self.done: set[int] = set()
        self.lead: tuple[str, tuple[int, ...]] | None = None
        """A definition list's term (``dt``), waiting to open its definition's first paragraph."""

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
                    text = _NOTE_LEAD.sub("", text)
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
        elif tag in _SPACED and not self.flat:
            self.buffer.append(" ")
            self.walk(element, depth=depth, landmark=landmark)
            self.buffer.append(" ")
        elif self.flat:
            spaced = tag in _BLOCK or tag in _SPACED
            self.buffer.append(" " if spaced else "")
            self.walk(element, depth=depth, landmark=True)
            self.buffer.append(" " if spaced else "")
        elif tag in _HEADINGS and _folded(element) & _CREDIT_CLASSES:
            self.flush()  # DocBook's <h3 class="author">: a name on the title page, not a section
            text, notes = self.collect(element)
            if text:
                self.emit(text, tuple(notes))
        elif tag in _HEADINGS:
            self.flush()
            self.release()
            text, _ = self.collect(element)
            text = text.rstrip("\u00b6\U0001f517 ")
            if text:
                self.levels.append((_HEADINGS[tag], depth))
                self.titled.append(bool(_folded(element) & _TITLE_CLASSES))
                self.blocks.append(Heading(_HEADINGS[tag], text))
        elif tag == "tr" and not self.layout_row(element):
            self.flush()
            cells = [
                self.collect(c) for c in element.children if isinstance(c, _Element) and c.tag in ("td", "th")
            ]
            text = " | ".join(cell for cell, _ in cells if cell)
            if text:
                self.emit(text, tuple(n for _, notes in cells for n in notes))
        elif tag == "pre":
            self.flush()
            text = clean(_INVISIBLE.sub("", element.text()))
            if text:
                self.emit(text, ())
        elif tag == "dt":
            self.flush()
            text, notes = self.collect(element)
            if text:
                before, noted = self.lead or ("", ())
                self.lead = (f"{before} {text}".strip(), (*noted, *notes))
        elif tag == "a" and (kind := _bar_link(element)):
            self.run_links[kind] += 1
            self.run_letters += len(_ALPHANUMERIC.sub("", element.text()))
            self.walk(element, depth=depth, landmark=landmark)
        elif tag in _BLOCK:
            self.flush()
            inside = depth + (tag in ("section", "article"))
            self.walk(
                element,
                depth=inside,
                landmark=landmark or tag in ("main", "article") or element.role == "main",
            )
            self.flush()
            if tag == "dl":
                self.release()
        else:
            self.walk(element, depth=depth, landmark=landmark)

    def dropped(self, element: _Element, *, landmark: bool) -> bool:
        """Never text: navigation, forms, scripts, hidden things; headers, footers, asides outside main."""
        tag, classes, role = element.tag, element.classes, element.role
        if tag in _NEVER_TEXT or role in _NAVIGATION_ROLES or _invisible(element):
            return True
        folded = _folded(element)
        if folded & _NAVIGATION_CLASSES or element.attrs.get("id", "").lower() in _NAVIGATION_CLASSES:
            return True
        if not landmark and (_link_list(element) or _link_dense(element)):
            return True
        if tag in _BAR_BOXES and _sequence_bar(element):
            return True
        if tag == "table" and folded & {"head", "foot"}:
            return True  # mandoc's running lines: "FIND(1) | General Commands Manual | FIND(1)"
        if tag == "a" and (_backlink(element) or _anchor(element)):
            return True
        if tag == "a" and self.in_note and _target(element) in self.footnotes.markers:
            return True  # asciidoctor's "<a href="#_footnoteref_1">1</a>. Text"
        if self.in_note and classes & _NOTE_LABELS:
            return True
        if "rubric" in classes and _squash(element.text()).casefold() in ("footnotes", "notes"):
            return True  # Sphinx's caption above its footnotes
        footer = element.attrs.get("id", "").lower() == "footer" or "footer" in classes
        if tag == "header" and _title_block(element):
            return False
        return not landmark and (tag in ("header", "footer", "aside") or role in _LANDMARK_ROLES or footer)

    def marker(self, element: _Element) -> int | None:
        """The footnote number a ``<sup>`` or link marker stands for, or ``None`` if it is not one."""
        if element.tag == "sup":
            links = [e for e in element.descendants() if e.tag == "a"]
            if len(links) != 1:
                return None
            text, linked = _squash(element.text()), _squash(links[0].text())
            bracketed = (text[:1], text[-1:]) in _BRACKETS and text[1:-1].strip() == linked
            return self.marker(links[0]) if text == linked or bracketed else None  # [<a>1</a>]
        if element.tag != "a" or self.in_note:
            return None
        target = _target(element)
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

    def emit(self, text: str, notes: tuple[int, ...]) -> None:
        """A paragraph, opened by the term it defines if one is waiting: "--context=N  Print N lines ..."."""
        if self.lead is not None:
            term, noted = self.lead
            text, notes, self.lead = f"{term} {text}", (*noted, *notes), None
        self.blocks.append(Paragraph(text, notes=notes))

    def release(self) -> None:
        """A term with no definition after it is a paragraph of its own."""
        if self.lead is not None:
            term, noted = self.lead
            self.lead = None
            self.blocks.append(Paragraph(term, notes=noted))

    def flush(self) -> None:
        """The text collected since the last block boundary as a paragraph, unless it is a bar of links.

        Two links or more named only "prev", "next", "up", "top"... and no letter outside
        them is a page's navigation written as inline text (groff's ``[ prev | next | top ]``
        between two ``<hr>``s); three links or more to places in the page and nothing else is
        its table of contents (a groff man page's section names, one a line between ``<br>``s).
        Links to other pages named otherwise, even with nothing between them but commas
        ("CREATE VIEW, DROP VIEW" under a DocBook page's "See Also"), are text.
        """
        text = _squash("".join(self.buffer))
        links, linked = self.run_links, self.run_letters
        self.buffer, self.run_links, self.run_letters = [], Counter[str](), 0
        bar = links["nav"] >= _BAR_LINKS or links["nav"] + links["local"] >= _CONTENTS_LINKS
        if bar and len(_ALPHANUMERIC.sub("", text)) <= linked:
            text = ""
        if text:
            self.emit(text, tuple(self.notes))
            self.notes = []
        elif self.notes and self.blocks and isinstance(self.blocks[-1], Paragraph):
            last = self.blocks[-1]
            self.blocks[-1] = Paragraph(last.text, last.page, last.continued, (*last.notes, *self.notes))
            self.notes = []

    def settle_title(self, page_title: str) -> None:
        """The page's title printed as its first heading at the level of its sections is no section.

        The title is the page's (``<title>``, or this heading's text), and the heading is
        dropped: the text under it is the front matter, and the sections after it count from
        1, as the page's own top-level sections.  docutils' ``<h1 class="title">`` over ``<h1>``
        sections (its HTML4 writer) and pandoc's over ``#`` sections, with the author and
        abstract under it; Texinfo's ``<h1 class="settitle">`` over the Top node's ``<h1>`` and a
        site theme's ``<h1>{{ .Title }}</h1>`` over the page's own ``#`` headings, with nothing
        under them.  Only a heading that opens the page, prints no label, shares its tag with a
        later heading, and is the title by its class, or, with nothing under it, by the page's
        ``<title>``.
        """
        if not self.blocks or not isinstance(self.blocks[0], Heading) or len(self.levels) < 2:
            return
        tag = self.levels[0][0]
        if not any(other <= tag for other, _ in self.levels[1:]):
            return
        bare = len(self.blocks) == 1 or isinstance(self.blocks[1], Heading)
        text = self.blocks[0].text
        if split_label(text)[0] is not None:
            return  # "Chapter 1. Introduction" (DocBook's h1.title) is a section, not the title
        named = bool(page_title) and _page_title(page_title, text).casefold() == _squash(text).casefold()
        if self.titled[0] or (bare and named):
            del self.blocks[0], self.levels[0], self.titled[0]

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
        _ALPHANUMERIC.sub("", item.text())
        == _ALPHANUMERIC.sub("", "".join(a.text() for a in item.descendants() if a.tag == "a"))
        for item in items
    )


def _sequence_bar(element: _Element) -> bool:
    """A bar of links to the pages around this one: "Next: Options, Up: Invoking [Contents][Index]".

    Two links or more, one at least marked ``rel="next"``, ``"prev"``, ``"up"``, ``"index"``...
    (Texinfo's node header; the copy it prints at the foot of a long node marks only its
    index link), and only a few words besides them; a box that also holds text is not a bar.
    Dropped even in the main content, where Texinfo puts it: the rel says what the links are.
    """
    links = [a for a in element.descendants() if a.tag == "a" and a.attrs.get("href")]
    related = [a for a in links if set(a.attrs.get("rel", "").lower().split()) & _SEQUENCE_RELS]
    if len(links) < 2 or not related:
        return False
    letters = len(_ALPHANUMERIC.sub("", element.text()))
    linked = sum(len(_ALPHANUMERIC.sub("", a.text())) for a in links)
    return letters - linked <= _MAX_BAR_LETTERS


def _link_dense(element: _Element) -> bool:
    """A box of links with a label or two ("Main Menu", "Related links"): an old page's menu.

    Five links or more, and link text at least 80% of its letters; only boxes (cells,
    tables, divs, lists), not a paragraph that cites sources.
    """
    if element.tag not in _LINK_BOXES:
        return False
    links = [a for a in element.descendants() if a.tag == "a" and a.attrs.get("href")]
    if len(links) < 5:
        return False
    letters = len(_ALPHANUMERIC.sub("", element.text()))
    linked = sum(len(_ALPHANUMERIC.sub("", a.text())) for a in links)
    return letters > 0 and linked >= 0.8 * letters


def _anchor(element: _Element) -> bool:
    """A heading's permalink (``¶``, ``#``): a mark, not text; by its class, or a link within the page
    whose text is a symbol or two (Node.js's ``<a class="mark" href="#fs_stats">#</a>``)."""
    text = _squash(element.text())
    if len(text) > 2:
        return False
    if element.classes & _ANCHOR_CLASSES:
        return True
    return element.attrs.get("href", "").startswith("#") and bool(text) and not any(c.isalnum() for c in text)


def _backlink(element: _Element) -> bool:
    """A footnote's link back to its marker (``\u21a9``, ``1``, ``[2]``).

    A link back that holds words is text: docutils' HTML5 wraps each heading's whole
    text in a ``role="doc-backlink"`` link to its table-of-contents entry.
    """
    text = _squash(element.text())
    if len(text) > 3 and not _MARKER_TEXT.fullmatch(text):
        return False
    return (
        element.role == "doc-backlink"
        or bool(element.classes & _BACKLINK_CLASSES)
        or "data-footnote-backref" in element.attrs
        or _squash(element.text()) in ("\u21a9", "\u21a9\ufe0e", "\u21a9\ufe0f")
    )


def _bar_link(element: _Element) -> str:
    """``nav`` for a link named "next", "prev"...; ``local`` for one to a place in the page; else ``""``."""
    href = element.attrs.get("href", "")
    if not href:
        return ""
    if _squash(element.text()).casefold() in _NAV_WORDS:
        return "nav"
    return "local" if href.startswith("#") else ""


def _title_block(header: _Element) -> bool:
    """A ``<header>`` that holds the document's title heading, not a site's banner.

    pandoc writes the title, subtitle, author, date and abstract in ``<header
    id="title-block-header">`` under ``<h1 class="title">``: text of the document.  A
    banner's title links home, and a banner holds navigation.
    """
    elements = list(header.descendants())
    titled = any(
        e.tag in _HEADINGS and "title" in _folded(e) and not any(d.tag == "a" for d in e.descendants())
        for e in elements
    )
    return titled and not any(e.tag == "nav" or e.role in _NAVIGATION_ROLES for e in elements)


def _folded(element: _Element) -> set[str]:
    """The element's classes in lower case: old generators write ``CLASS="TITLE"``."""
    return {name.lower() for name in element.classes}


def _squash(text: str) -> str:
    return " ".join(_INVISIBLE.sub("", text).split())


def _page_title(title: str, first_heading: str) -> str:
    """``<title>``, without a site's name beside it when the rest is the first heading; else that heading."""
    title = _squash(title)
    if not title or (_FILE_NAME.fullmatch(title) and first_heading):
        return first_heading
    wanted = _squash(first_heading).casefold()
    for separator in _TITLE_SEPARATORS:
        for part in title.split(separator):
            if wanted and part.strip().casefold() == wanted:
                return part.strip()
    return title
