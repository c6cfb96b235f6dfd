"""Markdown as site generators, Pandoc, Quarto and notebooks write it, read by the Markdown reader.

Each fixture is a few lines in the style of one tool: front matter the way Jekyll,
Hugo, R Markdown and Obsidian write it, Pandoc's title block.  The title comes from
the metadata and the metadata is never a passage.
"""

from __future__ import annotations

from ingest.blocks import Block, Heading, Paragraph
from ingest.markdown import markdown_blocks, read_markdown


def headings(blocks: list[Block]) -> list[tuple[int, str]]:
    return [(b.level, b.text) for b in blocks if isinstance(b, Heading)]


def texts(blocks: list[Block]) -> list[str]:
    return [b.text for b in blocks if isinstance(b, Paragraph)]


# Front matter ----------------------------------------------------------------------------------


def test_yaml_front_matter_may_open_with_a_blank_line_or_a_comment() -> None:
    for opening in ("\n", "# written by the site generator\n"):
        title, blocks = markdown_blocks(f"---\n{opening}title: Water Supply\nlayout: post\n---\n\nBody.\n")
        assert title == "Water Supply"
        assert texts(blocks) == ["Body."] and headings(blocks) == []


def test_a_yaml_title_written_as_a_block_scalar_is_the_title() -> None:
    raw = "---\ntitle: |\n  Analysis of\n  Sales\noutput:\n  html_document:\n    toc: true\n---\n\nIntro.\n"
    assert markdown_blocks(raw)[0] == "Analysis of Sales"
    folded = "---\ntitle: >-\n  A Folded\n  Title\n---\nIntro.\n"
    assert markdown_blocks(folded)[0] == "A Folded Title"


def test_a_quoted_yaml_title_loses_its_quotes_and_escapes() -> None:
    assert markdown_blocks("---\ntitle: 'It''s: done'\n---\nBody.\n")[0] == "It's: done"
    assert markdown_blocks('---\ntitle: "Say \\"hi\\": now" # why\n---\nBody.\n')[0] == 'Say "hi": now'
    assert markdown_blocks("---\ntitle: Plain title # a comment\n---\nBody.\n")[0] == "Plain title"


def test_toml_front_matter_gives_its_title() -> None:
    raw = '+++\ntitle = "Deployment \\"Guide\\""\ndraft = false\n'
    raw += '[params]\ntitle = "Not this"\n+++\n\nIntro.\n'
    title, blocks = markdown_blocks(raw)
    assert title == 'Deployment "Guide"' and texts(blocks) == ["Intro."]


def test_a_pandoc_title_block_is_the_title_and_no_passage() -> None:
    raw = "% Annual Report\n  on Fisheries\n% Jane Doe; John Roe\n% March 2022\n\n# Introduction\n\nFish.\n"
    doc = read_markdown(raw, "report.md")
    assert doc.title == "Annual Report on Fisheries"
    assert "%" not in doc.text and "Jane Doe" not in doc.text
    assert [s.title for s in doc.sections] == ["Introduction"]
