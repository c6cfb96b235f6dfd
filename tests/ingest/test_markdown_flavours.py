"""Markdown as site generators, Pandoc, Quarto and notebooks write it, read by the Markdown reader.

Each fixture is a few lines in the style of one tool: front matter the way Jekyll,
Hugo, R Markdown and Obsidian write it, Pandoc's title block; the boxes of Pandoc,
Quarto, Docusaurus and MkDocs, GitHub's alerts; MDX statements.  The title comes
from the metadata, which is never a passage; a box's fences and markers are no text,
its body is read as Markdown and a heading inside it is no section (but Pandoc's
section divs keep theirs).  Pandoc's and
kramdown's attributes, spans and inline notes, definition lists, wiki links, template
tags and a notebook's CSS leave their text and no markup; grid and HTML tables give a
paragraph per row.
"""

from __future__ import annotations

import time
from pathlib import Path

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


def test_multimarkdown_metadata_gives_the_title_and_no_text() -> None:
    raw = "Title: Errors and Exceptions\nViewport: width=device-width,\ninitial-scale=1.0\nLang: en\n"
    raw += "\n# Intro\n\nA.\n"
    title, blocks = markdown_blocks(raw)
    assert title == "Errors and Exceptions" and texts(blocks) == ["A."]


def test_a_page_opening_with_a_label_and_colon_is_no_metadata() -> None:
    for raw in ("Note: this is a draft.\n\nBody.\n", "Status: draft\nOwner: me\n\nBody.\n"):
        title, blocks = markdown_blocks(raw)
        assert title == "" and texts(blocks)[-1] == "Body." and len(texts(blocks)) == 2


# Boxes: fenced divs, admonitions, content tabs, alerts ------------------------------------------


def test_a_docusaurus_admonition_keeps_its_text_and_title_without_fences() -> None:
    raw = "Intro.\n\n:::note\n\nA note.\n\n:::\n\n:::tip[Pro tip]\nUse the search.\n:::\n"
    raw += "\n## Usage\n\nRun it.\n"
    blocks = markdown_blocks(raw)[1]
    assert texts(blocks) == ["Intro.", "A note.", "Pro tip", "Use the search.", "Run it."]
    assert headings(blocks) == [(1, "Usage")]


def test_a_quarto_callouts_heading_is_its_title_not_a_section() -> None:
    raw = (
        "## Results {#sec-results}\n\nSales rose.\n\n::: {.callout-note}\n## Caveat\nPreliminary.\n:::\n\n"
        '::: {.callout-tip title="Heads up"}\nCheck twice.\n:::\n\n## Discussion\n\nMore.\n'
    )
    blocks = markdown_blocks(raw)[1]
    assert headings(blocks) == [(1, "Results"), (1, "Discussion")]
    assert texts(blocks) == ["Sales rose.", "Caveat", "Preliminary.", "Heads up", "Check twice.", "More."]


def test_fenced_divs_nest_and_keep_code_with_colons() -> None:
    raw = "::::: outer\n::: inner\nInside.\n:::\n```\n:::\n```\nAfter code.\n:::::\n\nOutside.\n"
    assert texts(markdown_blocks(raw)[1]) == ["Inside.", ":::", "After code.", "Outside."]


def test_mkdocs_admonitions_and_tabs_are_read_as_markdown_under_their_titles() -> None:
    raw = (
        '# Configuration\n\nIntro.\n\n!!! note "Defaults matter"\n    Every option has a *default*.\n\n'
        "    Change what you need.\n\n!!! warning\n    No secrets.\n\n## Options\n\n"
        '=== "Linux"\n\n    Put it in `/etc/app`.\n\n??? tip "Hidden"\n    Clicked.\n\nBack outside.\n'
    )
    blocks = markdown_blocks(raw)[1]
    assert headings(blocks) == [(1, "Configuration"), (2, "Options")]
    assert texts(blocks) == [
        "Intro.", "Defaults matter", "Every option has a default.", "Change what you need.",
        "No secrets.", "Linux", "Put it in /etc/app.", "Hidden", "Clicked.", "Back outside.",
    ]  # fmt: skip


def test_an_admonition_inside_a_list_item_is_read_and_the_item_goes_on() -> None:
    raw = (
        "* Install the packages.\n\n    The `--no-cache-dir` option saves space.\n\n    !!! note\n"
        "        Only related to `pip`.\n\n    The `--upgrade` option upgrades.\n\nAfter the list.\n"
    )
    assert texts(markdown_blocks(raw)[1]) == [
        "Install the packages.", "The --no-cache-dir option saves space.", "Only related to pip.",
        "The --upgrade option upgrades.", "After the list.",
    ]  # fmt: skip


def test_mkdocstrings_directives_without_closing_fence_are_no_div() -> None:
    raw = (
        "# Responses\n\nIntro.\n\n## FastAPI Responses\n\n::: fastapi.responses.UJSONResponse\n"
        "    options:\n        members:\n            - charset\n\n## Starlette Responses\n\n"
        "::: fastapi.responses.FileResponse\n"
    )
    blocks = markdown_blocks(raw)[1]
    assert headings(blocks) == [(1, "Responses"), (2, "FastAPI Responses"), (2, "Starlette Responses")]
    assert texts(blocks) == ["Intro.", "fastapi.responses.UJSONResponse", "fastapi.responses.FileResponse"]


def test_a_github_alert_or_obsidian_callout_marker_is_no_text() -> None:
    raw = "> [!NOTE]\n> Know this.\n\n> [!tip]- Collapsed\n> Hidden tip.\n"
    assert texts(markdown_blocks(raw)[1]) == ["Know this.", "Collapsed", "Hidden tip."]


def test_mdx_imports_and_exports_are_no_text() -> None:
    raw = (
        "---\ntitle: Getting Started\n---\n\nimport Tabs from '@theme/Tabs';\nimport '@site/custom.css';\n"
        "export const Highlight = ({children}) => (\n  <span>{children}</span>\n);\n\nWelcome.\n\n"
        "Import duties from 'abroad' rose; export controls did not.\n"
    )
    title, blocks = markdown_blocks(raw)
    assert title == "Getting Started"
    assert texts(blocks) == ["Welcome.", "Import duties from 'abroad' rose; export controls did not."]


# Pandoc, kramdown, wikis, notebooks: what stays of inline markup ---------------------------------


def test_heading_attributes_leave_no_trace_in_atx_or_setext_headings() -> None:
    raw = "# Methods {-}\n\nA.\n\n## Sampling {.unnumbered}\n\nB.\n\nResults {#sec:results}\n-------\n\nC.\n"
    assert headings(markdown_blocks(raw)[1]) == [(1, "Methods"), (2, "Sampling"), (2, "Results")]


def test_spans_and_attributes_after_links_and_images_are_no_text() -> None:
    raw = (
        "A ![chart](c.png){width=50%} and a [link](https://x.org){target=\"_blank\"}.\n{: .lead}\n\n"
        "This is [small caps]{.smallcaps} text.\n\n* TOC\n{:toc}\n\nEnd.\n"
    )
    assert texts(markdown_blocks(raw)[1]) == ["A chart and a link.", "This is small caps text.", "End."]


def test_an_inline_note_is_a_footnote_numbered_after_the_labelled_ones() -> None:
    raw = "# Intro\n\nFish matter.^[See the *annex* for [data](d.csv).] Also[^1].\n\n[^1]: First.\n"
    doc = read_markdown(raw, "notes.md")
    assert "Fish matter. Also." in doc.text and "^[" not in doc.text
    notes = {f.number: (doc.text[f.start : f.end], f.section) for f in doc.footnotes}
    assert notes == {1: ("First.", "1"), 2: ("See the annex for data.", "1")}


def test_a_regular_expression_is_no_inline_note() -> None:
    raw = "Names must match ^[a-z]+$ or `^[A-Z] x` here.\n"
    assert texts(markdown_blocks(raw)[1]) == ["Names must match ^[a-z]+$ or ^[A-Z] x here."]


def test_a_definition_list_reads_as_the_term_then_its_definition() -> None:
    raw = "Term one\n:   Meaning one,\n    run on.\n:   Meaning two.\n\n"
    raw += "Term two\n\n:   Loose meaning.\n\nAfter.\n"
    assert texts(markdown_blocks(raw)[1]) == [
        "Term one Meaning one, run on.", "Meaning two.", "Term two", "Loose meaning.", "After.",
    ]  # fmt: skip


def test_wiki_links_show_their_text() -> None:
    raw = "See [[Installation]], [[the FAQ|Frequently-Asked-Questions]] and [[Project Alpha|the alpha]].\n"
    assert texts(markdown_blocks(raw)[1]) == ["See Installation, the FAQ and Project Alpha."]


def test_a_notebooks_style_block_is_no_text() -> None:
    raw = (
        "# Notebook\n\n```python\ndf.head()\n```\n\n<div>\n<style scoped>\n    .dataframe th {\n"
        "        vertical-align: middle;\n    }\n</style>\n<table>\n<tr><td>1</td></tr>\n</table>\n</div>\n\n"
        "<script>var x = 1;</script>\n\nDone.\n"
    )
    blocks = markdown_blocks(raw)[1]
    assert texts(blocks) == ["df.head()", "1", "Done."]


def test_lines_of_template_tags_are_no_text_but_what_they_wrap_is() -> None:
    raw = (
        '{{< figure src="/a.png" >}}\n\n{{% notice warning %}}\nBack up first.\n{{% /notice %}}\n\n'
        "{% include toc.html %}\n\n{/* An MDX comment */}\n\nUse `{% raw %}` in Liquid.\n\n"
        "```\n{% include kept.html %}\n```\n"
    )
    expected = ["Back up first.", "Use {% raw %} in Liquid.", "{% include kept.html %}"]
    assert texts(markdown_blocks(raw)[1]) == expected


def test_a_pandoc_grid_table_is_a_paragraph_per_row_with_multi_line_cells_joined() -> None:
    raw = (
        "+-------+---------+\n| Term  | Meaning |\n+=======+=========+\n| Alpha | first   |\n"
        "|       | letter  |\n+-------+---------+\n| Beta  | second  |\n+-------+---------+\n\nAfter.\n"
    )
    rows = ["Term | Meaning", "Alpha | first letter", "Beta | second", "After."]
    assert texts(markdown_blocks(raw)[1]) == rows


def test_an_html_table_in_markdown_is_a_paragraph_per_row() -> None:
    raw = (
        "Output:\n\n<div>\n<table border=\"1\" class=\"dataframe\">\n  <thead>\n    <tr>\n      <th></th>\n"
        "      <th>count</th>\n    </tr>\n  </thead>\n  <tbody>\n    <tr>\n      <th>0</th>\n"
        "      <td><b>12</b></td>\n    </tr>\n  </tbody>\n</table>\n<p>1 rows</p>\n</div>\n\n"
        "Prose naming `<tr>` and `</tr>` tags.\n"
    )
    assert texts(markdown_blocks(raw)[1]) == [
        "Output:", "count", "0 | 12", "1 rows", "Prose naming <tr> and </tr> tags.",
    ]  # fmt: skip


def test_python_markdown_placeholders_attribute_lists_and_abbreviations_are_no_text() -> None:
    raw = (
        "[TOC]\n\n## Setup { #setup }\n\nInstall it.\n{ .annotate }\n\n"
        '[Subscribe](#){ .md-button } or ![logo](l.png){ width="300" }\n\n--8<-- "includes/abbr.md"\n\n'
        "*[HTML]: Hyper Text Markup Language\n\nThe HTML spec.\n\n[[_TOC_]]\n"
    )
    blocks = markdown_blocks(raw)[1]
    assert headings(blocks) == [(1, "Setup")]
    assert texts(blocks) == ["Install it.", "Subscribe or logo", "The HTML spec."]


# What Pandoc writes (`pandoc -t markdown` of a web page) -----------------------------------------


def test_headings_in_pandocs_section_divs_are_sections_without_permalinks() -> None:
    raw = (
        "::: {#errors .section}\n# [8. ]{.section-number}Errors¶\n\nUntil now.\n\n"
        "::: {#syntax .section}\n## [8.1. ]{.section-number}Syntax Errors¶\n\nThe parser.\n:::\n:::\n"
    )
    doc = read_markdown(raw, "errors.md")
    assert [(s.id, s.title) for s in doc.sections] == [("8", "Errors"), ("8.1", "Syntax Errors")]
    assert ":::" not in doc.text and "{" not in doc.text


def test_div_fences_in_list_items_are_no_text_and_the_list_goes_on() -> None:
    raw = "-   [Python](https://python.org) »\n\n-   ::: switcher\n    :::\n\n-   Next item\n"
    assert texts(markdown_blocks(raw)[1]) == ["Python »", "Next item"]


def test_a_heading_whose_tag_a_wrapped_line_cut_short_keeps_only_its_title() -> None:
    raw = '## Syntax Errors<a href="#syntax-errors" class="headerlink"\n\nThe parser.\n'
    assert headings(markdown_blocks(raw)[1]) == [(1, "Syntax Errors")]


def test_attributes_after_code_and_spans_wrapping_links_leave_their_text() -> None:
    raw = "Use `print()`{.xref .py} here and [[5.9 Format](f.html#x)]{.sect2}.\n"
    assert texts(markdown_blocks(raw)[1]) == ["Use print() here and 5.9 Format."]


def test_a_grid_tables_cells_with_lists_give_their_blocks() -> None:
    raw = (
        "+----------+-----------------+\n| Fruit    | Notes           |\n+==========+=================+\n"
        "| Bananas  | - yellow        |\n|          | - curved        |\n+----------+-----------------+\n"
    )
    assert texts(markdown_blocks(raw)[1]) == ["Fruit | Notes", "Bananas", "yellow", "curved"]


# Time -------------------------------------------------------------------------------------------


def test_a_long_line_of_template_tags_takes_linear_time() -> None:
    started = time.perf_counter()
    assert texts(markdown_blocks("{% a %}" * 26 + " x\n")[1]) == ["{% a %}" * 26 + " x"]
    assert time.perf_counter() - started < 1.0


def test_many_div_openings_never_closed_take_no_quadratic_time() -> None:
    started = time.perf_counter()
    blocks = markdown_blocks(":::\n" * 4000 + "::: pkg.module\n" * 4000)[1]
    assert len(texts(blocks)) == 4000
    assert time.perf_counter() - started < 1.0


def test_a_div_opening_with_a_long_run_of_spaced_colons_takes_linear_time() -> None:
    started = time.perf_counter()
    markdown_blocks("::: a" + " :" * 20000 + "b\n")
    assert time.perf_counter() - started < 1.0


# Files named as the tools name them ----------------------------------------------------------------


def test_quarto_r_markdown_and_mdx_files_are_read_as_markdown(tmp_path: Path) -> None:
    from ingest.sources import parse_source, read_source

    quarto = '---\ntitle: "Field notes"\n---\n\n## 1. Method\n\n```{r}\nx <- 1\n```\n\nWe counted birds.\n'
    mdx = "import Chart from './chart'\n\n# Release notes\n\n## 2.0\n\nFaster builds.\n"
    for name, text, title, first in (
        ("notes.qmd", quarto, "Field notes", "1"),
        ("notes.Rmd", quarto, "Field notes", "1"),
        ("notes.mdx", mdx, "Release notes", "2.0"),
    ):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        source = read_source(path)
        doc = parse_source(source)
        assert (doc.title, doc.sections[0].id) == (title, first), name
        assert "import Chart" not in doc.text and doc.page_at(0) is None
        assert source.format == name.rsplit(".", 1)[1].lower()
