"""Properties of parsing and chunking, over the whole report and over generated reports.

For every passage ``canonical[start:end] == text``; no passage is empty or crosses
its section; the outline found is the outline written; ids are stable.
"""

from __future__ import annotations

import string
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.errors import SourceError
from ingest.passages import passages_of
from ingest.plaintext import parse_plaintext

REPORT = Path(__file__).resolve().parents[2] / "corpus" / "high-level-dialogue-2006.txt"

words = st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=11)


@st.composite
def paragraph(draw: st.DrawFn) -> list[str]:
    """A paragraph of sentences, wrapped into lines, sometimes hyphenated across a line break."""
    sentences = draw(st.lists(st.lists(words, min_size=3, max_size=25), min_size=1, max_size=8))
    text = " ".join(" ".join(s).capitalize() + "." for s in sentences)
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if len(current) + len(word) > 78:
            if len(word) > 5 and draw(st.booleans()):
                lines.append(f"{current} {word[:3]}-".strip())
                current = word[3:]
                continue
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    return lines


@st.composite
def report(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A report text in the extracted-PDF shape, and the section ids it should yield."""
    out = [" A GENERATED REPORT", ""]
    expected: list[str] = []
    for part in "ABC"[: draw(st.integers(1, 3))]:
        out += [f"{part}.  {draw(words).upper()} {draw(words).upper()}", ""]
        if draw(st.booleans()):
            expected.append(part)
            for para in draw(st.lists(paragraph(), min_size=1, max_size=2)):
                out += [*para, ""]
        for number in range(1, draw(st.integers(1, 4)) + 1):
            expected.append(f"{part}.{number}")
            lead = " " if draw(st.booleans()) else ""  # a heading that opens a new page
            out += [f"{lead}{number}. {draw(words).capitalize()} {draw(words)}", ""]
            for para in draw(st.lists(paragraph(), min_size=1, max_size=3)):
                if draw(st.integers(0, 4)) == 0:
                    para = [" " + para[0], *para[1:]]  # a page that starts with a paragraph
                out += [*para, " "]
    return "\n".join(out) + "\n", expected


def _check_spans(raw: str) -> list[str]:
    doc = parse_plaintext(raw, document="doc")
    passages = passages_of(doc, chunk_size=400)
    for passage in passages:
        c = passage.citation
        assert passage.text and doc.text[c.start : c.end] == passage.text
        if doc.page_at(0) is None:  # a text without page starts has no pages at all
            assert c.page is None and c.page_end is None
        else:
            assert c.page is not None and c.page_end is not None and c.page <= c.page_end
        if c.footnote is None:
            owner = next(s for s in doc.sections if s.id == c.section)
            assert owner.body_start <= c.start and c.end <= owner.end
    assert [p.id for p in passages] == [
        p.id for p in passages_of(parse_plaintext(raw, document="doc"), chunk_size=400)
    ]
    return [s.id for s in doc.sections]


def test_every_span_of_the_real_report_is_exact() -> None:
    _check_spans(REPORT.read_text(encoding="utf-8"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report())
def test_generated_reports_keep_their_outline_and_exact_spans(case: tuple[str, list[str]]) -> None:
    raw, expected = case
    assert _check_spans(raw) == expected


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([*"ab .1-\n\t:ABC", "  ", " \n", "2. ", "ANNEX", "\u201d"]), max_size=200).map(
        "".join
    )
)
def test_any_text_gives_exact_passages_or_a_clear_error(raw: str) -> None:
    try:
        _check_spans(raw)
    except SourceError as exc:
        assert "no text to index" in str(exc)
