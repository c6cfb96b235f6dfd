"""How a citation reads, in one place: ``section B.4 "Remittances ...", page 6`` and its pages.

Every surface that prints a citation (the prompt context, chat sources, MCP, LangChain,
the CLI, a reason) builds it from these two functions.  A format without pages
(Markdown, HTML, plain text with no page breaks) cites ``page: null``; every line that
shows a citation leaves the page out rather than print "page None".
"""

from __future__ import annotations


def pages_text(page: int | None, page_end: int | None, *, one: str = "page", many: str = "pages") -> str:
    """``page 6``, ``pages 6-7``, or ``""`` when there is no page (``one``/``many`` for "p."/"pp.")."""
    if page is None:
        return ""
    if page_end is None or page_end == page:
        return f"{one} {page}"
    return f"{many} {page}-{page_end}"


def citation_label(
    section: str, title: str, page: int | None, page_end: int | None, footnote: int | None = None
) -> str:
    """``section B.4 "Remittances as a tool of development", pages 6-7, footnote 3`` (no page if none)."""
    parts = [f'section {section} "{title}"']
    pages = pages_text(page, page_end)
    if pages:
        parts.append(pages)
    if footnote is not None:
        parts.append(f"footnote {footnote}")
    return ", ".join(parts)
