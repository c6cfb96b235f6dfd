"""The Markdown reader: says what it saw as blocks; ``ingest.outline`` finds the sections.

ATX and setext headings at any depth, never inside fenced code; front matter
(YAML, TOML, Pandoc's ``%`` block) gives the title and no text; list items, quotes
and table rows (pipe, Pandoc grid, HTML) are paragraphs of their own; boxes
(Pandoc/Quarto/Docusaurus ``:::`` divs, MkDocs' ``!!!`` admonitions and ``===``
tabs, GitHub's ``[!NOTE]`` alerts) keep their body and title, their headings being
no sections (but those in Pandoc's section divs are); MDX statements and lines of
template tags are no text; inline markup reduced to the text a reader sees; ``[^n]``
footnotes and Pandoc's ``^[...]``.  Markdown has no pages, so blocks carry
``page=None`` and citations no page.
"""

from __future__ import annotations

import html
import itertools
import re
import textwrap
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ingest.blocks import Block, Footnote, Heading, Paragraph, clean
from ingest.document import ParsedDocument
from ingest.outline import document_from_blocks


def read_markdown(raw: str, document: str) -> ParsedDocument:
    """A Markdown file's blocks, outlined by its own headings."""
    title, blocks = markdown_blocks(raw)
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


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_NESTED_FENCE = re.compile(r"^[ \t]+(`{3,}|~{3,})")
"""A fence indented under a list item: code in the item, not the item's text."""
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_ATTRIBUTE_LIST = r"\{[ \t]*(?::[^{}]*|[#.][^{}]*|-[ \t]*|[\w-]+=[^{}]*)\}"
"""Pandoc, kramdown and Python-Markdown attributes: ``{#id .class}``, ``{ #id }``, ``{-}``,
``{: .lead}``, ``{width=50%}``."""
_ATTRIBUTES = re.compile(rf"\s*{_ATTRIBUTE_LIST}\s*$")
_BLOCK_ATTRIBUTES = re.compile(rf"^ {{0,3}}{_ATTRIBUTE_LIST}[ \t]*$")
"""Attributes for the block before (``{: .lead}``, ``{ .annotate }``) or kramdown's ``{:toc}``."""
_NO_TEXT_LINE = re.compile(
    r"^ {0,3}(?:\[TOC\]|\[\[_?TOC_?\]\]|-{2}8<-{2}.*|\*\[[^\]]+\]:.*)[ \t]*$", re.IGNORECASE
)
"""A table of contents' placeholder (``[TOC]``, ``[[_TOC_]]``), a snippet to include
(``--8<-- "file.md"``) or an abbreviation's definition (``*[HTML]: Hyper Text ...``)."""
_DEFINITION = re.compile(r"^ {0,3}[:~](?:[ \t]+(\S.*))$")
"""A Pandoc/PHP Markdown Extra definition (``:   Its meaning``) under the term it defines."""
_UNCLOSED_TAG = re.compile(r"<[A-Za-z][\w-]*(?:\s[^<>]*)?$")
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
_RAW_HTML = re.compile(r"^ {0,3}<(style|script)(?=[\s>]|$)", re.IGNORECASE)
_INDENTED = re.compile(r"^(?: {4}|\t)")
_GRID_BORDER = re.compile(r"^ {0,3}\+(?:[-=:]{2,}\+)+[ \t]*$")
_HTML_ROW = re.compile(r"<tr\b[^>]*>((?:(?!<tr\b|</tr)[\s\S])*)</tr\s*>", re.IGNORECASE)
_HTML_CELL = re.compile(r"<t[hd]\b[^>]*>(.*?)</t[hd]\s*>", re.IGNORECASE | re.DOTALL)
_DIV_OPEN = re.compile(r"^ {0,3}:{3,}[ \t]*([^\s:].*)$")
"""A div's opening fence; what follows the colons, up to any closing ones, is ``_opened``."""
_DIV_CLOSE = re.compile(r"^ {0,3}:{3,}[ \t]*$")
_DIV_FENCE = re.compile(r"^[ \t]*:{3,}")
_BOXED_DIV = re.compile(r"(?<![\w-])\.?(?:callout|panel-tabset)")
"""A Quarto callout or tab set, whose headings are its title or its tabs' labels."""
_ADMONITION = re.compile(
    r"^([ \t]*)(?:!!!|\?\?\?\+?)[ \t]+[\w-]+(?:[ \t]+[\w-]+)*(?:[ \t]+\"([^\"]*)\")?\s*$"
)
"""MkDocs' admonition, ``!!! note "Title"``, ``??? tip`` (collapsed), ``!!! note inline end``."""
_ALERT = re.compile(r"^\[!\w+\][+-]?[ \t]*(.*)$")
_TAB = re.compile(r"^([ \t]*)===!?\+?[ \t]+\"([^\"]*)\"[ \t]*$")
_MDX_STATEMENT = re.compile(
    r"^(?:import\s+(?:[\w*{}\s,]+\s+from\s+)?[\"'][^\"']+[\"'];?"
    r"|import\s+\{[\w\s,]*$|export\s+(?:const|let|var|function|default|class|async)\b.*)$"
)
"""An MDX page's ``import X from '...'``, ``export const ...``: statements, no text."""
_TEMPLATE_TAGS = re.compile(
    r"^ {0,3}(?:(?:\{\{<(?:[^>]|>(?!\}\}))*>\}\}|\{\{%(?:[^%]|%(?!\}\}))*%\}\}|\{%(?:[^%]|%(?!\}))*%\}"
    r"|\{/\*(?:[^*]|\*(?!/\}))*\*/\})[ \t]*)+$"
)
"""A line of Hugo shortcodes (``{{< figure >}}``, ``{{% notice %}}``), Liquid or Jinja tags
(``{% include toc.html %}``) or MDX comments (``{/* ... */}``): template, not text."""
_FRONT_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*[:=]")
_METADATA = re.compile(r"^([A-Za-z][\w -]{0,40}?)[ \t]*:[ \t]+(\S.*)$")
_FRONT_TITLE = re.compile(r"^title\s*[:=][ \t]*(.*?)\s*$")


def markdown_blocks(raw: str) -> tuple[str, list[Block]]:
    """The title its front matter gives (or ``""``) and the blocks of a Markdown text."""
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff").split("\n")
    title, lines = _front_matter(lines)
    lines = _without_comments(lines)
    text = "\n".join(lines)
    inline = _Inline(_note_numbers(text), {m.group(1).casefold() for m in map(_REFERENCE.match, lines) if m})
    blocks = _MarkdownBody(inline).read(lines)
    return title, outermost_first([*blocks, *inline.inline_notes])


def _front_matter(lines: list[str]) -> tuple[str, list[str]]:
    """Front matter at the top: its title, and the lines after it.

    YAML (``---``) or TOML (``+++``) as site generators write it, which may open with a
    blank line or a comment before its first key; or Pandoc's ``% title`` block.
    """
    fence = lines[0].strip() if lines else ""
    if fence.startswith("%") and fence[1:2] in ("", " "):
        return _title_block(lines)
    if fence not in ("---", "+++"):
        return _metadata_block(lines)
    ends = ("---", "...") if fence == "---" else ("+++",)
    end = next((n for n in range(1, len(lines)) if lines[n].strip() in ends), None)
    inner = lines[1:end]
    keys = [line for line in inner if line.strip() and not line.lstrip().startswith("#")]
    if end is None or not keys or not _FRONT_KEY.match(keys[0]):
        return "", lines
    title = _toml_title(inner) if fence == "+++" else _yaml_title(inner)
    return " ".join(title.split()), lines[end + 1 :]


def _metadata_block(lines: list[str]) -> tuple[str, list[str]]:
    """MultiMarkdown's (and Python-Markdown's ``meta``) metadata: ``Title: ...`` and other
    ``Key: value`` lines, with no fences, up to the first blank line.  Only a block of such
    lines that names a title is metadata; "Note: ..." opening a page is text."""
    end = next((n for n, line in enumerate(lines) if not line.strip()), len(lines))
    block = lines[:end]
    if not block or not all(_METADATA.match(line) or _runs_on(line) or ":" not in line for line in block):
        return "", lines  # a value may run on to lines of its own
    titles = [m.group(2) for m in map(_METADATA.match, block) if m and m.group(1).casefold() == "title"]
    if not titles or _METADATA.match(block[0]) is None:
        return "", lines
    return " ".join(titles[0].split()), lines[end:]


def _yaml_title(lines: list[str]) -> str:
    """The top-level ``title:`` of YAML front matter: quoted, plain, or a ``|``/``>`` block."""
    for at, line in enumerate(lines):
        if not (match := _FRONT_TITLE.match(line)):
            continue
        value = match.group(1).strip()
        following: list[str] = []
        for more in lines[at + 1 :]:
            if more.strip() and not more[:1].isspace():
                break
            following.append(more.strip())
        if value[:1] in ("|", ">"):
            return " ".join(following)
        if value[:1] == '"':
            return _quoted(value, '"', lambda v: v.replace('\\"', '"'))
        if value[:1] == "'":
            return _quoted(value, "'", lambda v: v.replace("''", "'"))
        return " ".join([re.sub(r"\s+#.*$", "", value), *following])  # a plain value may run on
    return ""


def _quoted(value: str, quote: str, unescape: Callable[[str], str]) -> str:
    """A quoted YAML scalar's text: ``'It''s'`` is ``It's``, ``"a \\"b\\""`` is ``a "b"``."""
    inside = r"(?:[^'\n]|'')*" if quote == "'" else r'(?:[^"\\\n]|\\.)*'
    match = re.match(rf"{quote}({inside}){quote}", value)
    return unescape(match.group(1) if match else value[1:])


def _toml_title(lines: list[str]) -> str:
    """The top-level ``title`` of TOML front matter, read by ``tomllib``; a line's value if that fails."""
    try:
        title = tomllib.loads("\n".join(lines)).get("title", "")
        return title if isinstance(title, str) else ""
    except tomllib.TOMLDecodeError:
        titles = [m.group(1) for m in map(_FRONT_TITLE.match, lines) if m]
        return titles[0].strip("\"'") if titles else ""


def _title_block(lines: list[str]) -> tuple[str, list[str]]:
    """Pandoc's title block: ``% title``, ``% authors``, ``% date``, each maybe run on indented."""
    end = 1
    while end < len(lines) and _runs_on(lines[end]):
        end += 1
    title = " ".join(line.strip() for line in [lines[0][1:], *lines[1:end]])
    while end < len(lines) and (lines[end].startswith("%") or _runs_on(lines[end])):
        end += 1
    return " ".join(title.split()), lines[end:]


def _runs_on(line: str) -> bool:
    return line[:1] in (" ", "\t") and bool(line.strip())


def _without_comments(lines: list[str]) -> list[str]:
    """HTML comments removed outside fenced code, including those spanning lines.

    So is a ``<style>`` or ``<script>`` block (a notebook's table of output brings its CSS)
    up to the line that closes it: code the page runs, never text a reader sees.
    """
    out: list[str] = []
    fence = ""
    in_comment = False
    raw_until = ""
    for line in lines:
        if raw_until:
            raw_until = "" if raw_until in line.casefold() else raw_until
            continue
        if not fence and (raw := _RAW_HTML.match(line)):
            closing = f"</{raw.group(1).casefold()}>"
            raw_until = "" if closing in line.casefold() else closing
            continue
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
        self.div_lines: list[str] | None = None
        self.div_ends: dict[int, int] = {}

    def read(self, lines: list[str]) -> list[Block]:
        at = 0
        while at < len(lines):
            at = self.line(lines, at)
        self.flush()
        return self.blocks

    def line(self, lines: list[str], at: int) -> int:
        """Read the construct that starts at line ``at``; the index of the line after it."""
        line = lines[at]
        if fence := _FENCE.match(line) or _NESTED_FENCE.match(line):
            nested = line[:1] in (" ", "\t") and "item" in (self.kind, self.last)
            if nested or _FENCE.match(line):
                return self.code(lines, at, fence.group(1), nested=nested)
        if not line.strip():
            return self.blank(lines, at)
        if line[:1] in (" ", "\t") and "item" in (self.kind, self.last) and _DIV_FENCE.match(line):
            return self.item_div(line, at)
        if div := _DIV_OPEN.match(line):
            return self.div(lines, at, div)
        if _DIV_CLOSE.match(line):
            self.flush()
            return at + 1  # a div's closing fence with no opening seen
        if (box := _ADMONITION.match(line) or _TAB.match(line)) and (
            len(box.group(1).expandtabs(4)) < 4 or "item" in (self.kind, self.last)
        ):
            return self.admonition(lines, at, box)
        if _TEMPLATE_TAGS.match(line) or _NO_TEXT_LINE.match(line):
            return at + 1  # the generator fills it in; what it wraps goes on as text
        if not self.paragraph and _MDX_STATEMENT.match(line):
            return self.skip_paragraph(lines, at)
        if _QUOTE.match(line):
            return self.quote(lines, at)
        if heading := _ATX.match(line):
            self.flush()
            self.heading(len(heading.group(1)), heading.group(2) or "")
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
        if _GRID_BORDER.match(line) and not self.paragraph:
            return self.grid_table(lines, at)
        if "|" in line and at + 1 < len(lines) and "|" in lines[at + 1] and _TABLE_RULE.match(lines[at + 1]):
            return self.table(lines, at)
        if note := _NOTE_DEFINITION.match(line):
            self.flush()
            self.kind, self.note, self.paragraph = "note", self.inline.numbers[note.group(1)], [note.group(2)]
            return at + 1
        if _REFERENCE.match(line):
            self.flush()
            return at + 1
        if _BLOCK_ATTRIBUTES.match(line):
            if "toc" in line and " ".join(self.paragraph).strip(" *-") == "TOC":
                self.paragraph = []  # "* TOC" over "{:toc}": kramdown's table of contents
            return at + 1
        if (definition := _DEFINITION.match(line)) and self.defines():
            if self.kind == "definition" or not self.paragraph:
                self.flush()
            self.kind = "definition"
            self.paragraph.append(definition.group(1))
            return at + 1
        item = _BULLET.match(line) or _ORDERED.match(line)
        if item and self.starts_item(item):
            if _DIV_FENCE.match(_item_text(item)):
                return self.item_div(_item_text(item), at)
            self.flush()
            self.kind, self.paragraph = "item", [_TASK.sub("", _item_text(item))]
            return at + 1
        if not self.paragraph and _INDENTED.match(line) and self.last not in ("item", "note", "definition"):
            return self.indented_code(lines, at)
        if not self.paragraph:
            # Text indented under a list item goes on with it, as after code fenced inside it.
            self.kind = "item" if self.last == "item" and line[:1] in (" ", "\t") else "text"
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

    def defines(self) -> bool:
        """A definition's marker follows its term (one line of text, or a blank after it) or another."""
        if self.paragraph:
            return self.kind == "definition" or (self.kind == "text" and len(self.paragraph) == 1)
        previous = self.blocks[-1] if self.blocks else None
        return self.last in ("text", "definition") and isinstance(previous, Paragraph)

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

    def code(self, lines: list[str], at: int, fence: str, *, nested: bool = False) -> int:
        """A fenced block; ``nested`` in a list item, indented with it, after which the item goes on."""
        self.flush()
        indent = r"[ \t]*" if nested else " {0,3}"
        closing = re.compile(rf"^{indent}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = next((n for n in range(at + 1, len(lines)) if closing.match(lines[n])), len(lines))
        self.verbatim(textwrap.dedent("\n".join(lines[at + 1 : end])).split("\n"))
        if nested:
            self.last = "item"
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

    def item_div(self, line: str, at: int) -> int:
        """A div's fence in a list item, as Pandoc writes them: no text; the item goes on."""
        self.flush()
        if opening := _DIV_OPEN.match(line.lstrip()):
            self.title_paragraph(_div_title(_opened(opening)))
        self.last = "item"
        return at + 1

    def div(self, lines: list[str], at: int, opening: re.Match[str]) -> int:
        """A fenced div (Pandoc, Quarto's callouts, Docusaurus' admonitions): its body, without fences.

        ``::: {.callout-note}`` or ``:::tip[Pro tip]`` opens it, a line of colons closes
        it (divs nest).  The title it gives (``[Pro tip]``, ``title="..."``, or words after
        the kind) is a paragraph.  Headings inside are the document's own (Pandoc writes
        each section as a div), but in a Quarto callout or tab set a heading is the box's
        title or a tab's label, not a section.
        With no closing fence it is no div but mkdocstrings' ``::: package.module`` (the
        documentation of that object goes there): the name is a paragraph, the options
        indented under it are none.
        """
        if lines is not self.div_lines:
            self.div_lines, self.div_ends = lines, _div_ends(lines)
        end = self.div_ends.get(at)
        if end is None:
            self.flush()
            self.title_paragraph(_opened(opening))
            end = at + 1
            while end < len(lines) and (not lines[end].strip() or _INDENTED.match(lines[end])):
                end += 1
            return end
        boxed = _BOXED_DIV.search(_opened(opening)) is not None
        self.boxed(_div_title(_opened(opening)), lines[at + 1 : end], demote=boxed)
        return end + 1

    def admonition(self, lines: list[str], at: int, box: re.Match[str]) -> int:
        """MkDocs' ``!!! note "Title"`` or ``??? tip`` box, or a content tab ``=== "Tab"``: its
        body is the lines indented under it, read as Markdown; the title is a paragraph.

        Indented under a list item, the box is part of the item, which goes on after it.
        """
        indent = len(box.group(1).expandtabs(4)) + 4
        body: list[str] = []
        end = at + 1
        while end < len(lines):
            line = lines[end].expandtabs(4)
            if line.strip() and len(line) - len(line.lstrip()) < indent:
                break
            body.append(line[indent:])
            end += 1
        self.boxed(box.group(2) or "", body)
        if indent > 4:
            self.last = "item"
        return end

    def boxed(self, title: str, body: list[str], *, demote: bool = True) -> None:
        """A box's title and body; with ``demote``, headings inside it are its text, not sections."""
        self.flush()
        if title:
            self.title_paragraph(title)
        for block in _MarkdownBody(self.inline).read(body):
            self.blocks.append(Paragraph(block.text) if demote and isinstance(block, Heading) else block)
        self.last = "box"

    def title_paragraph(self, text: str) -> None:
        """A box's title, a tab's label, text beside an HTML table: a paragraph, if it has text."""
        reduced, notes = self.inline.reduce(text)
        if reduced:
            self.blocks.append(Paragraph(reduced, notes=notes))

    def skip_paragraph(self, lines: list[str], at: int) -> int:
        """MDX's ``import``/``export`` statements: code the page runs, no text of its own."""
        self.flush()
        while at < len(lines) and lines[at].strip():
            at += 1
        return at

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
        if quoted and (alert := _ALERT.match(quoted[0])):
            quoted[:1] = [alert.group(1), ""]  # "> [!NOTE]" marks a GitHub alert; Obsidian's may title it
        for block in _MarkdownBody(self.inline).read(quoted):
            self.blocks.append(Paragraph(block.text) if isinstance(block, Heading) else block)
        self.last = "quote"
        return at

    def table(self, lines: list[str], at: int) -> int:
        """One paragraph per row, cells joined by `` | ``; the header's rule is dropped."""
        self.flush()
        while at < len(lines) and lines[at].strip() and "|" in lines[at]:
            if not _TABLE_RULE.match(lines[at]):
                self.table_row(_cells(lines[at]))
            at += 1
        self.last = "table"
        return at

    def grid_table(self, lines: list[str], at: int) -> int:
        """A Pandoc grid table: a row whose cells are a line of text each is one paragraph,
        cells joined by `` | ``; a row with more in its cells (lists, paragraphs, a table:
        an old page laid out in a table) gives the blocks of each cell in turn."""
        self.flush()
        cuts = [n for n, char in enumerate(lines[at].rstrip()) if char == "+"]
        row: list[str] = []
        at += 1
        while at < len(lines) and lines[at].strip()[:1] in ("+", "|"):
            if _GRID_BORDER.match(lines[at]):
                self.grid_row(row, cuts)
                row, cuts = [], [n for n, char in enumerate(lines[at].rstrip()) if char == "+"]
            else:
                row.append(lines[at].rstrip())
            at += 1
        self.grid_row(row, cuts)
        self.last = "table"
        return at

    def grid_row(self, row: list[str], cuts: list[int]) -> None:
        """One row of a grid table: its columns cut where the border above puts its ``+``."""
        columns: list[list[str]]
        if all(line[n : n + 1] in ("|", "+", "") for line in row for n in cuts):
            columns = [[line[a + 1 : b] for line in row] for a, b in itertools.pairwise(cuts)]
        else:  # not aligned under the border: split at the bars
            split = [_cells(line) for line in row]
            width = max(map(len, split), default=0)
            columns = [[cells[n] if n < len(cells) else "" for cells in split] for n in range(width)]
        cells = [self.cell(column) for column in columns]
        if all(len(blocks) <= 1 and all(isinstance(b, Paragraph) for b in blocks) for blocks in cells):
            texts = [blocks[0].text for blocks in cells if blocks]
            notes = tuple(n for blocks in cells for b in blocks if isinstance(b, Paragraph) for n in b.notes)
            if texts:
                self.blocks.append(Paragraph(" | ".join(texts), notes=notes))
            return
        for blocks in cells:
            self.blocks.extend(blocks)

    def cell(self, lines: list[str]) -> list[Block]:
        return _MarkdownBody(self.inline).read(textwrap.dedent("\n".join(lines)).split("\n"))

    def table_row(self, row: list[str]) -> None:
        cells = [self.inline.reduce(cell) for cell in row]
        text = " | ".join(cell for cell, _ in cells if cell)
        if text:
            self.blocks.append(Paragraph(text, notes=tuple(n for _, found in cells for n in found)))

    def html_rows(self, joined: str) -> None:
        """An HTML table in the Markdown (a notebook's data frame): a paragraph per row, as a
        Markdown table's, not the whole table run together; text around it stays."""
        at = 0
        for row in _HTML_ROW.finditer(joined):
            self.title_paragraph(joined[at : row.start()])
            self.table_row([cell.group(1) for cell in _HTML_CELL.finditer(row.group(1))])
            at = row.end()
        self.title_paragraph(joined[at:])

    def heading(self, level: int, text: str) -> None:
        """A heading without the attributes Pandoc and kramdown give it (``{#id .class}``, ``{-}``),
        nor the pilcrow of a permalink that came with it from a web page (``Errors¶``)."""
        text = _UNCLOSED_TAG.sub("", _ATTRIBUTES.sub("", text))  # a tag a line's wrap cut short
        reduced, _ = self.inline.reduce(text)
        reduced = reduced.removesuffix("\u00b6").rstrip()
        if reduced:
            self.blocks.append(Heading(level, reduced))
        self.last = "heading"

    def flush(self) -> None:
        if not self.paragraph:
            return
        joined = " ".join(line.strip().removesuffix("\\") for line in self.paragraph)
        self.paragraph = []
        if self.kind == "item" and _ANCHORS_ONLY.fullmatch(joined):
            self.last, self.kind = "item", "text"  # a table of contents' entry: the heading says it
            return
        if self.kind == "text" and joined.startswith("<") and _HTML_ROW.search(joined):
            self.html_rows(joined)
            self.last = "table"
            return
        text, notes = self.inline.reduce(joined)
        if text and self.kind == "note":
            self.blocks.append(Footnote(self.note, text))
        elif text:
            self.blocks.append(Paragraph(text, notes=notes))
        self.last, self.kind = self.kind, "text"


def _opened(opening: re.Match[str]) -> str:
    """What a div's opening fence says, without the colons Pandoc allows to close it."""
    return opening.group(1).rstrip(" \t:")


def _div_ends(lines: list[str]) -> dict[int, int]:
    """Each fenced div's opening line to its closing one, matched as brackets in one pass
    (code fenced inside is skipped); an opening never closed has none."""
    ends: dict[int, int] = {}
    open_at: list[int] = []
    fence = ""
    for at, line in enumerate(lines):
        marker = _FENCE.match(line)
        if fence:
            fence = "" if marker and marker.group(1)[0] == fence[0] else fence
        elif marker:
            fence = marker.group(1)
        elif _DIV_CLOSE.match(line):
            if open_at:
                ends[open_at.pop()] = at
        elif _DIV_OPEN.match(line):
            open_at.append(at)
    return ends


def _div_title(opening: str) -> str:
    """What a fenced div's opening line shows as its title.

    ``tip[Pro tip]`` and ``tip Pro tip`` (Docusaurus), ``{.callout-note title="Heads up"}``
    (Quarto); a kind or class alone (``note``, ``warning``, ``{.aside}``) shows none.
    """
    if match := re.search(r"""\btitle=(?:"([^"]*)"|'([^']*)')""", opening):
        return match.group(1) if match.group(1) is not None else match.group(2)
    if opening.startswith("{"):
        return ""
    if match := re.match(r"[\w-]+\[(.*)\]", opening):
        return match.group(1)
    return re.sub(r"\{[^{}]*\}", "", opening).partition(" ")[2].strip()


def _item_text(item: re.Match[str]) -> str:
    return (item.group(1) if item.re is _BULLET else item.group(2)) or ""


def _cells(row: str) -> list[str]:
    row = row.strip().replace("\\|", "\ue000")
    row = row.removeprefix("|").removesuffix("|")
    return [cell.replace("\ue000", "|") for cell in row.split("|")]


_ANCHORS_ONLY = re.compile(r"(?:[\s*_,.:;|-]*\[[^\[\]]*\]\(#[^()\s]*\))+[\s*_,.:;|-]*")
"""A list item that is only links within the page ("[Installation](#installation)").  Separators
only lead each link: matched on both sides, a long line of links that fails at its end took
exponential time."""
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
_SPAN = re.compile(rf"\[([^\[\]]*)\]{_ATTRIBUTE_LIST}")
"""A Pandoc bracketed span, ``[small caps]{.smallcaps}``: its text."""
_LINK_ATTRIBUTES = re.compile(rf"(?<=[)\ue000-\uf8ff]){_ATTRIBUTE_LIST}")
"""Attributes after a link, an image or code, ``![chart](c.png){width=50%}``, `` `f()`{.py} ``:
no text (code spans are set aside as private-use characters by then)."""
_WIKI_LINK = re.compile(r"\[\[([^\[\]|]+)(?:\|([^\[\]]+))?\]\]")
_SLUG = re.compile(r"^\S*[-_/#.]\S*$")
_INLINE_NOTE = re.compile(r"\^\[((?:[^\[\]]|\[[^\[\]]*\])*)\]")


@dataclass(frozen=True)
class _Inline:
    """Markdown inline markup reduced to its text; footnote markers become note numbers."""

    numbers: dict[str, int]
    references: set[str]
    inline_notes: list[Footnote] = field(default_factory=list)
    """Pandoc's ``^[...]`` notes, numbered after the labelled ones in the order they are read."""

    def reduce(self, text: str) -> tuple[str, tuple[int, ...]]:
        kept: list[str] = []

        def keep(literal: str) -> str:
            kept.append(literal)
            return chr(_PRIVATE + len(kept) - 1)

        text = _ESCAPED.sub(lambda m: keep(m.group(1)), text)
        text = _CODE_SPAN.sub(lambda m: keep(_code_span(m.group(2))), text)
        inline: list[int] = []
        text = _INLINE_NOTE.sub(lambda m: self.inline_note(_restored(kept, m.group(0)), inline), text)
        text = _AUTOLINK.sub(lambda m: keep(m.group(1)), text)
        text = _LINE_BREAK_TAG.sub(" ", text)
        text = _LINK_ATTRIBUTES.sub("", text)
        if _only_images(text):
            return "", ()  # a README's row of badges ("build passing", "Join the chat"): no text
        text = _IMAGE.sub(lambda m: m.group(1), text)
        notes = tuple(self.numbers[label] for label in _NOTE_MARK.findall(text) if label in self.numbers)
        notes += tuple(inline)
        text = _NOTE_MARK.sub("", text)
        text = _WIKI_LINK.sub(_wiki_text, text)
        text = _SPAN.sub(lambda m: m.group(1), text)
        for _ in range(3):  # a link inside a link's text (a badge's image link), or a span, unwraps in turn
            text = _LINK.sub(lambda m: m.group(1), text)
            text = _SPAN.sub(lambda m: m.group(1), text)
        text = _SHORTCUT.sub(
            lambda m: m.group(1) if m.group(1).casefold() in self.references else m.group(0), text
        )
        text = _TAG.sub("", text)
        for pattern in (_STRONG, _EMPHASIS, _STRONG, _EMPHASIS):
            text = pattern.sub(lambda m: next(g for g in m.groups()[::-1] if g is not None), text)
        text = html.unescape(text)
        text = _restored(kept, text)
        return " ".join(text.split()), notes


    def inline_note(self, marker: str, found: list[int]) -> str:
        """Set a ``^[...]`` note aside as a footnote of its own; the marker leaves no text.

        A note is words: ``^[a-z]`` with no space in it is a pattern, and stays.
        """
        if not re.search(r"\s", marker.strip()):
            return marker
        text, _ = self.reduce(marker[2:-1])
        if text:
            number = max([*self.numbers.values(), *(n.number for n in self.inline_notes)], default=0) + 1
            self.inline_notes.append(Footnote(number, text))
            found.append(number)
        return ""


def _wiki_text(link: re.Match[str]) -> str:
    """A wiki link's text: ``[[Page]]``; of ``[[Text|page-name]]`` (GitHub) or ``[[Page|text]]``
    (Obsidian, MediaWiki) the side that is no page name, GitHub's order when both could be."""
    first, second = link.group(1).strip(), (link.group(2) or "").strip()
    if second and _SLUG.match(first) and not _SLUG.match(second):
        return second
    return first


def _only_images(text: str) -> bool:
    """Whether a paragraph is nothing but images, each maybe a link's whole text: badges, a logo."""
    if not _IMAGE.search(text):
        return False
    rest = _IMAGE.sub("", text)
    for _ in range(3):
        rest = _LINK.sub(lambda m: m.group(1), rest)
    return not rest.strip()


def _code_span(content: str) -> str:
    content = " ".join(content.split("\n"))
    if content.startswith(" ") and content.endswith(" ") and content.strip():
        return content[1:-1]
    return content


def _restored(kept: list[str], text: str) -> str:
    """The text with the literals set aside by ``keep`` put back."""
    return re.sub(r"[\ue000-\uf8ff]", lambda m: _restore(kept, m.group(0)), text)


def _restore(kept: list[str], token: str) -> str:
    index = ord(token) - _PRIVATE
    return kept[index] if index < len(kept) else token
