"""How a citation's pages read, in one place: "page 6", "pages 6-7", or nothing.

A format without pages (Markdown, HTML, plain text with no page breaks) cites
``page: null``; every line that shows a citation leaves the page out rather than
print "page None".
"""

from __future__ import annotations


def pages_text(page: int | None, page_end: int | None, *, one: str = "page", many: str = "pages") -> str:
    """``page 6``, ``pages 6-7``, or ``""`` when there is no page (``one``/``many`` for "p."/"pp.")."""
    if page is None:
        return ""
    if page_end is None or page_end == page:
        return f"{one} {page}"
    return f"{many} {page}-{page_end}"
