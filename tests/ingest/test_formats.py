"""Markdown and HTML readers: the blocks a reader sees, and the outline the document prints.

Readers emit headings as printed (label included), paragraphs and footnotes, with no
pages; ``ingest.outline`` turns them into sections named by the document's own labels.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import HashingEmbedder

from index.store import load_index
from ingest.blocks import Block, Footnote, Heading, Paragraph
from ingest.html import html_blocks
from ingest.markdown import markdown_blocks
from ingest.pipeline import build_index
from ingest.sources import parse_source, read_source

UNSEEN = Path(__file__).resolve().parents[1] / "data" / "unseen" / "docs"


def headings(blocks: list[Block]) -> list[tuple[int, str]]:
    return [(b.level, b.text) for b in blocks if isinstance(b, Heading)]


def texts(blocks: list[Block]) -> list[str]:
    return [b.text for b in blocks if isinstance(b, Paragraph)]


def md(raw: str) -> list[Block]:
    return markdown_blocks(raw)[1]


def page(body: str, head: str = "") -> list[Block]:
    return html_blocks(f"<html><head>{head}</head><body>{body}</body></html>")[1]


# Markdown ------------------------------------------------------------------------------------


def test_markdown_atx_headings_at_any_depth_keep_their_label_and_lose_closing_hashes() -> None:
    blocks = md(
        "# Report\n\n## A. THE WAY TO THE HIGH-LEVEL DIALOGUE ##\n\n### 3. The Global Migration Group\n\n"
        "#### 3.2.1 Scope\n\n##### Deep\n\n###### Deepest ###\n\n####### seven is text\n\n#hashtag is text\n"
    )
    assert headings(blocks) == [
        (1, "Report"),
        (2, "A. THE WAY TO THE HIGH-LEVEL DIALOGUE"),
        (3, "3. The Global Migration Group"),
        (4, "3.2.1 Scope"),
        (5, "Deep"),
        (6, "Deepest"),
    ]
    assert texts(blocks) == ["####### seven is text", "#hashtag is text"]


def test_markdown_levels_start_at_the_outermost_heading_the_document_uses() -> None:
    blocks = md("## A. Part\n\nText.\n\n### 1. Sub\n\nMore.\n")
    assert headings(blocks) == [(1, "A. Part"), (2, "1. Sub")]


def test_setext_headings_and_a_rule_after_a_blank_line_is_no_heading() -> None:
    blocks = md("Title of it\n===\n\nPart one\n--------\n\nBody text.\n\n---\n\nAfter the rule.\n\n***\n")
    assert headings(blocks) == [(1, "Title of it"), (2, "Part one")]
    assert texts(blocks) == ["Body text.", "After the rule."]


def test_fenced_code_never_yields_headings_and_is_kept_as_one_paragraph() -> None:
    blocks = md(
        "# Real\n\n```bash\n# a comment\npip install x\n```\n\n~~~\n## not either\n~~~\n\n## Also real\n"
    )
    assert headings(blocks) == [(1, "Real"), (2, "Also real")]
    assert texts(blocks) == ["# a comment\npip install x", "## not either"]


def test_front_matter_is_skipped_and_gives_the_title() -> None:
    title, blocks = markdown_blocks(
        '---\ntitle: "Licence terms"\nlayout: page\n---\n\n## 0. Definitions.\n\nText.\n'
    )
    assert title == "Licence terms"
    assert headings(blocks) == [(1, "0. Definitions.")]
    assert texts(blocks) == ["Text."]


def test_a_markdown_file_without_front_matter_leaves_the_title_to_the_outline() -> None:
    assert markdown_blocks("# Heading\n\nText.\n")[0] == ""


def test_soft_wrapped_lines_are_one_paragraph_joined_by_one_space() -> None:
    blocks = md("The first line\n  of a paragraph  \nends here.\\\nAnd goes on.\n\nA second paragraph.\n")
    assert texts(blocks) == ["The first line of a paragraph ends here. And goes on.", "A second paragraph."]


def test_list_items_and_block_quotes_are_paragraphs_of_their_own_without_their_markers() -> None:
    blocks = md(
        "Intro line\n- first item\n  wrapped on\n* second\n  - nested\n+ [x] a task\n\n"
        "1. one\n2) two\n\n> A quote\n> goes on\n>\n> ## its heading is text\n\nAfter.\n"
    )
    assert texts(blocks) == [
        "Intro line",
        "first item wrapped on",
        "second",
        "nested",
        "a task",
        "one",
        "two",
        "A quote goes on",
        "its heading is text",
        "After.",
    ]
    assert headings(blocks) == []


def test_a_number_that_wraps_to_the_start_of_a_line_does_not_start_a_list() -> None:
    blocks = md("The conference was held in\n2006. It ended in September.\n")
    assert texts(blocks) == ["The conference was held in 2006. It ended in September."]


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("See [the annex](https://example.org/a_(b) 'title').", "See the annex."),
        ("![A chart of flows](chart.png) shown", "A chart of flows shown"),
        ("Status: [![build](https://ci/badge.svg)](https://ci)", "Status: build"),
        (
            "*em*, _em_, **strong**, __strong__, ***both*** and ~~struck~~",
            "em, em, strong, strong, both and struck",
        ),
        ("snake_case_name and 5 * 3 * 2 stay", "snake_case_name and 5 * 3 * 2 stay"),
        ("Use `pip install *x*` here", "Use pip install *x* here"),
        (r"\*not emphasis\* and 1\. not a list", "*not emphasis* and 1. not a list"),
        ("<span class='x'>inline</span> html<br/>tags", "inline html tags"),
        ("AT&amp;T &copy; &lt;b&gt;", "AT&T © <b>"),
        ("mail <https://example.org/a_b_c>", "mail https://example.org/a_b_c"),
        ("wo**rd**s", "words"),
    ],
)
def test_inline_markup_is_reduced_to_its_text(source: str, text: str) -> None:
    assert texts(md(source + "\n")) == [text]


def test_reference_links_keep_their_text_and_their_definitions_are_dropped() -> None:
    blocks = md('See [the report][r] and [r].\n\n[r]: https://example.org/report "Report"\n')
    assert texts(blocks) == ["See the report and r."]


def test_a_table_is_one_paragraph_per_row_without_the_header_rule() -> None:
    blocks = md("| Region | Migrants |\n|:-------|--------:|\n| Europe | **64** |\n| Asia | 53 \\| est. |\n")
    assert texts(blocks) == ["Region | Migrants", "Europe | 64", "Asia | 53 | est."]


def test_markdown_footnotes_become_footnotes_and_their_markers_notes() -> None:
    blocks = md(
        "Remittances grew.[^1] Fees fell.[^fees]\n\n[^1]: World Bank data.\n[^fees]: Average\n    cost.\n"
    )
    assert blocks == [
        Paragraph("Remittances grew. Fees fell.", notes=(1, 2)),
        Footnote(1, "World Bank data."),
        Footnote(2, "Average cost."),
    ]


def test_a_readmes_html_headings_are_headings_and_its_badges_are_not_text() -> None:
    blocks = md(
        '<h1 align="center">\n  <img src="logo.png" alt="Logo">\n  Tool\n</h1>\n\n'
        '<p align="center">\n  <a href="https://ci"><img src="badge.svg" alt="CI status"></a>\n</p>\n\n'
        "Tool does one thing.\n\n<h2>Install</h2>\n\nRun it.\n"
    )
    assert headings(blocks) == [(1, "Tool"), (2, "Install")]
    assert texts(blocks) == ["Tool does one thing.", "Run it."]


def test_a_readmes_markdown_badges_are_not_text_but_an_image_in_a_sentence_keeps_its_alt_text() -> None:
    blocks = md(
        "# Tool\n\n[![Join the chat at https://gitter.im/x](https://badges.gitter.im/x.svg)](https://gitter.im/x)"
        " ![CI](https://ci/badge.svg)\n\nTool does one thing, as ![the diagram](d.png) shows.\n"
    )
    assert texts(blocks) == ["Tool does one thing, as the diagram shows."]


def test_a_readmes_table_of_contents_is_no_text_but_a_list_with_its_own_words_is() -> None:
    blocks = md(
        "# Tool\n\n## Table of Contents\n\n* **[Installation](#installation)**\n"
        "  * [Getting it](#a-getting-it), [Windows](#windows)\n\n## Installation\n\n"
        "* See [the guide](#windows) first.\n* [Download](https://example.org/tool)\n"
    )
    assert texts(blocks) == ["See the guide first.", "Download"]


def test_a_long_list_item_of_links_that_ends_in_words_is_text_and_read_at_once() -> None:
    links = " , ".join(f"[part {n}](#part-{n})" for n in range(40))
    assert texts(md(f"* {links} , and the rest\n")) == [
        " , ".join(f"part {n}" for n in range(40)) + " , and the rest"
    ]


def test_code_fenced_inside_a_list_item_keeps_its_lines_and_the_item_goes_on_after_it() -> None:
    blocks = md(
        "1. Install it:\n   ```sh\n   brew update\n     brew install tool\n   ```\n"
        "   Then run it.\n2. Done.\n"
    )
    assert texts(blocks) == ["Install it:", "brew update\nbrew install tool", "Then run it.", "Done."]


def test_html_comments_and_pandoc_heading_attributes_are_not_text() -> None:
    blocks = md("<!-- draft\nnotes -->\n# Scope {#scope .unnumbered}\n\nText <!-- aside --> here.\n")
    assert headings(blocks) == [(1, "Scope")]
    assert texts(blocks) == ["Text here."]


# HTML ----------------------------------------------------------------------------------------


def test_html_headings_h1_to_h6_take_their_tags_level_and_keep_their_label() -> None:
    blocks = page(
        "<main><h1>Report</h1><h2>A. The way</h2><p>x</p><h3>3. The Group</h3><h4>3.1 Members</h4>"
        "<h5>Five</h5><h6>Six</h6></main>"
    )
    assert headings(blocks) == [
        (1, "Report"),
        (2, "A. The way"),
        (3, "3. The Group"),
        (4, "3.1 Members"),
        (5, "Five"),
        (6, "Six"),
    ]


def test_a_definition_lists_term_opens_its_definitions_first_paragraph() -> None:
    """An option and what it does are one passage to cite, as a manual's option list prints them."""
    blocks = page(
        "<main><dl><dt><code>--context=N [default: 8]</code></dt><dd><p>Print N lines of context.</p>"
        "<p>Use a large number to show all.</p></dd><dt>-q</dt><dt>--quiet</dt><dd>Say less.</dd>"
        "<dt>--orphan</dt></dl><p>After the list.</p></main>"
    )
    assert texts(blocks) == [
        "--context=N [default: 8] Print N lines of context.",
        "Use a large number to show all.",
        "-q --quiet Say less.",
        "--orphan",
        "After the list.",
    ]


def test_a_headings_permalink_is_no_part_of_its_title_whatever_its_class() -> None:
    blocks = page(
        '<main><h2>Async hooks<span><a class="mark" href="#async-hooks">#</a></span></h2><p>x</p>'
        '<h3>Overview<a href="#overview">\u00b6</a></h3>'
        '<p>See <a href="#x">C</a> and <a href="#y">&sect;4</a>.</p></main>'
    )
    assert headings(blocks) == [(1, "Async hooks"), (2, "Overview")]
    assert texts(blocks)[-1] == "See C and §4."


def test_headings_in_sections_keep_their_tags_level() -> None:
    blocks = page(
        "<main><section><h2>Part</h2><section><section><h3>Sub</h3></section></section></section></main>"
    )
    assert headings(blocks) == [(1, "Part"), (2, "Sub")]


def test_when_every_heading_is_an_h1_the_sections_give_the_levels() -> None:
    blocks = page(
        "<article><h1>Book</h1><section><h1>Chapter 3</h1><p>x</p>"
        "<section><h1>3.1 Origins</h1><p>y</p></section></section></article>"
    )
    assert headings(blocks) == [(1, "Book"), (2, "Chapter 3"), (3, "3.1 Origins")]


def test_sphinx_headerlinks_and_github_anchors_are_dropped_from_heading_text() -> None:
    blocks = page(
        '<main><h1><span class="section-number">4. </span>Execution model'
        '<a class="headerlink" href="#execution-model" title="Permalink">\u00b6</a></h1>'
        '<h2><a id="user-content-usage" class="anchor" aria-hidden="true" href="#usage"></a>Usage</h2></main>'
    )
    assert headings(blocks) == [(1, "4. Execution model"), (2, "Usage")]


NAVIGATED = """
<body>
<a class="skip-link" href="#content">Skip to content</a>
<header><a href="/">Site name</a><nav><ul><li><a href="/reports">All reports</a></li></ul></nav></header>
<div class="sidebar"><ul><li>Related link</li></ul></div>
<ul role="navigation"><li>Menu entry</li></ul>
<menu><li>Menu item</li></menu>
{main}
<aside>Popular posts</aside>
<footer>Copyright notice</footer>
</body>
"""


@pytest.mark.parametrize(
    "main",
    [
        "<main><h1>Report</h1><p>The body text.</p></main>",
        '<div role="main"><h1>Report</h1><p>The body text.</p></div>',
        "<article><h1>Report</h1><p>The body text.</p></article>",
        "<div><h1>Report</h1><p>The body text.</p></div>",
    ],
    ids=["main", "role-main", "one-article", "body"],
)
def test_the_main_content_is_read_and_navigation_menus_headers_and_footers_are_not(main: str) -> None:
    _, blocks = html_blocks(NAVIGATED.format(main=main))
    assert headings(blocks) == [(1, "Report")]
    assert texts(blocks) == ["The body text."]


def test_a_page_of_several_articles_is_read_from_its_body() -> None:
    blocks = page(
        "<nav>Menu</nav><article><h2>First</h2><p>One.</p></article><article><h2>Second</h2></article>"
    )
    assert headings(blocks) == [(1, "First"), (1, "Second")]
    assert texts(blocks) == ["One."]


def test_an_unmarked_menu_of_links_is_dropped_from_a_page_without_main_content() -> None:
    menu = "".join(f'<li><a href="/{name}">{name}</a></li>' for name in ("About", "Blog", "Contact"))
    blocks = page(
        f'<div id="nav"><a href="/">Home</a></div><ul>{menu}</ul><h1>Report</h1><p>Body.</p>'
        "<ul><li>Plain point</li><li>With <a href='/x'>a link</a></li><li>Third</li></ul>"
    )
    assert texts(blocks) == ["Body.", "Plain point", "With a link", "Third"]


def test_an_old_table_layout_menu_with_a_label_is_dropped_but_a_paragraph_of_links_is_text() -> None:
    names = ("Home", "Introduction", "Documentation", "Downloads", "FAQ")
    menu = "".join(f'<li><a href="{n.lower()}.html">{n}</a></li>' for n in names[:4])
    menu += '<li><a href="flat.html">flat page</a>, <a href="site.xsl">stylesheet</a></li>'
    cited = ", ".join(f'<a href="{n.lower()}.html">{n}</a>' for n in names)
    blocks = page(
        "<table><tr><td><table><tr><td><b>Main Menu</b></td></tr>"
        f"<tr><td><ul>{menu}</ul></td></tr></table></td>"
        f"<td><h2>Internals</h2><p>The body.</p><p>See {cited}.</p></td></tr></table>"
    )
    assert headings(blocks) == [(1, "Internals")]
    assert texts(blocks) == ["The body.", f"See {', '.join(names)}."]


def test_a_list_of_links_inside_main_content_is_text() -> None:
    links = "".join(f'<li><a href="/{n}">Resolution {n}</a></li>' for n in (1, 2, 3))
    assert texts(page(f"<main><p>See:</p><ul>{links}</ul></main>")) == [
        "See:",
        "Resolution 1",
        "Resolution 2",
        "Resolution 3",
    ]


def test_an_articles_own_header_and_footer_are_part_of_it() -> None:
    blocks = page(
        "<header>Site</header><main><article><header><h1>Post title</h1><p>By the author</p></header>"
        "<p>Body.</p><footer>Filed under migration</footer></article></main>"
    )
    assert headings(blocks) == [(1, "Post title")]
    assert texts(blocks) == ["By the author", "Body.", "Filed under migration"]


def test_forms_scripts_styles_templates_svg_and_hidden_elements_never_reach_a_passage() -> None:
    blocks = page(
        "<main><p>Kept.</p><form><label>Search</label><input value='q'><button>Go</button></form>"
        "<script>var secret = 'script text';</script><style>p { color: red }</style>"
        "<template><p>template text</p></template><svg><text>svg text</text></svg>"
        "<p hidden>hidden text</p><div aria-hidden='true'>aria hidden text</div>"
        "<div style='display: none'>undisplayed text</div><noscript>enable JavaScript</noscript>"
        "<button>Copy</button><p>Also kept.</p></main>",
        head="<style>body {}</style><script>track()</script>",
    )
    assert texts(blocks) == ["Kept.", "Also kept."]


def test_block_elements_are_paragraphs_and_inline_elements_join_without_false_spaces() -> None:
    blocks = page(
        "<main><p>Un<em>believ</em>able <a href='#'>link</a>, line<br>break.</p>"
        "<div>Direct text <p>inner paragraph</p> tail</div>"
        "<ul><li>item one</li><li>item <b>two</b></li></ul><dl><dt>Term</dt><dd>Definition</dd></dl>"
        "<blockquote><p>Quoted.</p></blockquote><figure><img src='a.png' alt='x'>"
        "<figcaption>Figure 1. Flows</figcaption></figure></main>"
    )
    assert texts(blocks) == [
        "Unbelievable link, line break.",
        "Direct text",
        "inner paragraph",
        "tail",
        "item one",
        "item two",
        "Term Definition",
        "Quoted.",
        "Figure 1. Flows",
    ]


def test_preformatted_text_keeps_its_lines() -> None:
    blocks = page("<main><pre><span>&gt;&gt;&gt; x = 1\n</span>&gt;&gt;&gt; x\n1</pre></main>")
    assert texts(blocks) == [">>> x = 1\n>>> x\n1"]


def test_a_table_row_is_one_paragraph_with_cells_joined() -> None:
    blocks = page(
        "<main><table><caption>Table 2</caption>"
        "<thead><tr><th>Region</th><th><p>Migrants</p></th></tr></thead>"
        "<tbody><tr><td>Europe</td><td>64 <em>million</em></td></tr><tr><td></td><td>total</td></tr></tbody>"
        "</table></main>"
    )
    assert texts(blocks) == ["Table 2", "Region | Migrants", "Europe | 64 million", "total"]


def test_malformed_html_with_unclosed_paragraphs_and_stray_end_tags_is_read() -> None:
    blocks = page(
        "<main><h2>Scope</h2><p>First paragraph<p>Second paragraph</span></div>"
        "<ul><li>one<li>two</ul><table><tr><td>a<td>b<tr><td>c<td>d</table><p>Last</main>"
    )
    assert headings(blocks) == [(1, "Scope")]
    assert texts(blocks) == ["First paragraph", "Second paragraph", "one", "two", "a | b", "c | d", "Last"]


def test_thousands_of_unclosed_tags_do_not_exhaust_the_reader() -> None:
    blocks = page("<main>" + "<font>" * 5000 + "deep text</main>")
    assert texts(blocks) == ["deep text"]


def test_pandoc_footnotes_become_footnotes_and_their_markers_notes() -> None:
    blocks = page(
        '<p>Remittances grew.<a href="#fn1" class="footnote-ref" id="fnref1" role="doc-noteref">'
        "<sup>1</sup></a>"
        " Fees fell.</p>"
        '<section id="footnotes" class="footnotes footnotes-end-of-document" role="doc-endnotes"><hr />'
        '<ol><li id="fn1"><p>World Bank data.<a href="#fnref1" class="footnote-back" role="doc-backlink">'
        "\u21a9\ufe0e</a></p></li></ol></section>"
    )
    assert blocks == [Paragraph("Remittances grew. Fees fell.", notes=(1,)), Footnote(1, "World Bank data.")]


def test_github_footnotes_linked_from_sup_markers() -> None:
    blocks = page(
        '<main><p>Text<sup><a href="#user-content-fn-2" id="user-content-fnref-2" data-footnote-ref>2</a>'
        "</sup>."
        '</p><section data-footnotes class="footnotes"><h2 id="footnote-label" class="sr-only">Footnotes</h2>'
        '<ol start="2"><li id="user-content-fn-2"><p>The note. <a href="#user-content-fnref-2" '
        'data-footnote-backref class="data-footnote-backref" aria-label="Back">\u21a9</a></p></li></ol>'
        "</section></main>"
    )
    assert blocks == [Paragraph("Text.", notes=(2,)), Footnote(2, "The note.")]


def test_sphinx_footnotes_are_numbered_by_their_label() -> None:
    blocks = page(
        '<div role="main"><p>Names resolve late. <a class="footnote-reference brackets" href="#id3" id="id1" '
        'role="doc-noteref"><span class="fn-bracket">[</span>1<span class="fn-bracket">]</span></a> Then</p>'
        '<p class="rubric">Footnotes</p><aside class="footnote-list brackets">'
        '<aside class="footnote brackets" id="id3" role="note"><span class="label"><span class="fn-bracket">'
        '[</span><a role="doc-backlink" href="#id1">1</a><span class="fn-bracket">]</span></span>'
        "<p>Compiled earlier.</p></aside></aside></div>"
    )
    assert blocks == [Paragraph("Names resolve late. Then", notes=(1,)), Footnote(1, "Compiled earlier.")]


def test_a_sup_that_links_nowhere_like_a_footnote_is_text() -> None:
    blocks = page('<main><p>E = mc<sup>2</sup> and x<sup><a href="#eq">see</a></sup></p></main>')
    assert texts(blocks) == ["E = mc2 and xsee"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("4. Execution model \u2014 Python 3.12 documentation", "4. Execution model"),
        ("Policy brief | Example Site", "Policy brief"),
        ("The Migration Brief, 2006", "The Migration Brief, 2006"),
        ("", "Policy brief"),
    ],
)
def test_the_title_is_the_pages_title_cleaned_of_a_site_name_only_when_trivial(
    title: str, expected: str
) -> None:
    first = "4. Execution model" if title.startswith("4.") else "Policy brief"
    found, _ = html_blocks(f"<title>{title}</title><main><h1>{first}</h1><p>Text.</p></main>")
    assert found == expected


def test_an_html_page_with_no_visible_text_has_no_blocks() -> None:
    raw = "<html><head><title>Empty</title><script>render()</script></head>"
    raw += "<body><div id='app'></div></body></html>"
    assert html_blocks(raw)[1] == []


# The outline from files ----------------------------------------------------------------------

BODY = "Remittances sent home by migrants reduce poverty in countries of origin and pay for schooling."

MARKDOWN = f"""---
title: The High-Level Dialogue
---

Front matter of the report, long enough to be a passage of its own.

## A. THE WAY TO THE HIGH-LEVEL DIALOGUE

### 1. Intergovernmental process

{BODY}[^1]

### 2. The Global Commission

Transfer fees charged by banks remain high for small amounts sent home.

## ANNEX

Refugees fleeing persecution seek asylum under international protection law.

[^1]: Resolution 58/209 of 23 December 2003.
"""

HTML = f"""<!DOCTYPE html><html><head><title>Licence | Example Foundation</title></head>
<body><nav><a href="/">Home</a> <a href="/licences">All licences</a></nav>
<main><h1>Licence</h1><h2>TERMS AND CONDITIONS</h2>
<h3>0. Definitions.</h3><p>\u201cThis License\u201d refers to version 3 of the licence.</p>
<h3>1. Source Code.</h3><p>{BODY}</p>
<h3>17. Interpretation.</h3><p>Reviewing courts shall apply local law.</p></main>
<footer>Example Foundation</footer></body></html>
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "dialogue.md").write_text(MARKDOWN, encoding="utf-8")
    (folder / "licence.html").write_text(HTML, encoding="utf-8")
    return folder


def test_a_markdown_reports_sections_are_its_own_labels_and_have_no_page(folder: Path) -> None:
    doc = parse_source(read_source(folder / "dialogue.md"))
    assert [(s.id, s.title) for s in doc.sections] == [
        ("Front", "The High-Level Dialogue"),
        ("A.1", "Intergovernmental process"),
        ("A.2", "The Global Commission"),
        ("Annex", "Annex"),
    ]
    first = doc.sections[1]
    assert BODY in doc.text[first.body_start : first.end]
    assert doc.page_at(first.start) is None
    assert [(n.number, n.section, n.page) for n in doc.footnotes] == [(1, "A.1", None)]


def test_an_html_pages_sections_are_its_own_labels_and_its_navigation_is_not_text(folder: Path) -> None:
    doc = parse_source(read_source(folder / "licence.html"))
    assert doc.title == "Licence"
    assert [s.id for s in doc.sections] == ["0", "1", "17"]
    assert [s.title for s in doc.sections] == ["Definitions", "Source Code", "Interpretation"]
    assert "All licences" not in doc.text and "Example Foundation" not in doc.text
    assert {doc.page_at(s.start) for s in doc.sections} == {None}


def test_a_sphinx_page_keeps_its_numbering_and_drops_its_sidebar() -> None:
    doc = parse_source(read_source(UNSEEN / "py-reference-executionmodel.html"))
    assert doc.title == "4. Execution model"
    assert [s.id for s in doc.sections] == ["4.1", "4.2.1", "4.2.2", "4.2.3", "4.2.4", "4.3"]
    assert "Table of Contents" not in doc.text and "\u00b6" not in doc.text
    assert [(n.number, n.section) for n in doc.footnotes] == [(1, "4.2.4")]


def test_a_folder_of_formats_is_one_index_where_every_citation_names_its_document(
    folder: Path, tmp_path: Path
) -> None:
    (folder / "notes.txt").write_text(
        "Notes\n\nA plain text note about return migration.\n", encoding="utf-8"
    )
    build_index([folder], tmp_path / "index", embedder=HashingEmbedder(64), progress=False)
    index = load_index(tmp_path / "index")
    assert {p.citation.document for p in index.passages} == {"dialogue", "licence", "notes"}
    for passage in index.passages:
        c = passage.citation
        assert index.texts[c.document][c.start : c.end] == passage.text
    assert {p.citation.page for p in index.passages} == {None}


def test_a_folder_is_read_wherever_it_lives_but_its_hidden_files_are_skipped(tmp_path: Path) -> None:
    from ingest.sources import expand

    folder = tmp_path / ".config" / "reports"
    (folder / ".drafts").mkdir(parents=True)
    (folder / "a.txt").write_text("A.", encoding="utf-8")
    (folder / ".notes.txt").write_text("hidden", encoding="utf-8")
    (folder / ".drafts" / "b.txt").write_text("hidden", encoding="utf-8")
    assert expand([folder]) == [folder / "a.txt"]
    assert expand([folder / ".." / "reports"]) == [folder / ".." / "reports" / "a.txt"]


def test_an_html_page_in_the_charset_it_declares_reads_as_written(tmp_path: Path) -> None:
    page = tmp_path / "old.html"
    head = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"></head>'
    body = "<body><h1>1. Caf\u00e9 d\u00e9j\u00e0 vu</h1><p>\u00a9 2004 Fran\u00e7ois, na\u00efve.</p>"
    page.write_bytes((head + body).encode("iso-8859-1"))
    doc = parse_source(read_source(page))
    assert [(s.id, s.title) for s in doc.sections] == [("1", "Caf\u00e9 d\u00e9j\u00e0 vu")]
    assert "\u00a9 2004 Fran\u00e7ois, na\u00efve." in doc.text


def test_a_text_file_that_is_not_utf8_reads_as_windows_1252(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_bytes("The caf\u00e9\u2019s \u201cmenu\u201d costs \u20ac5.".encode("cp1252"))
    doc = parse_source(read_source(notes))
    assert "The caf\u00e9\u2019s \u201cmenu\u201d costs \u20ac5." in doc.text


def test_an_original_in_another_charset_is_served_without_claiming_utf8(tmp_path: Path) -> None:
    from ingest.pipeline import original_file

    old, new = tmp_path / "old.html", tmp_path / "new.html"
    old.write_bytes("<html><body><h1>1. D\u00e9j\u00e0</h1><p>Text.</p></body></html>".encode("iso-8859-1"))
    new.write_text("<html><body><h1>1. D\u00e9j\u00e0</h1><p>Text.</p></body></html>", encoding="utf-8")
    types = [original_file(s, parse_source(s)).media_type for s in map(read_source, (old, new))]
    assert types == ["text/html", "text/html; charset=utf-8"]
