"""Fuzzing ingest: any text gives sections and passages, or a clear ReportQAError; nothing else."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fakes import HashingEmbedder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.errors import ReportQAError
from index.store import load_index
from ingest.pipeline import build_index

# Report-like pieces mixed with anything at all, so the parser meets headings, page marks and noise.
PIECES = st.sampled_from(
    [
        "A. Intergovernmental process\n",
        "1. ",
        "B.4 Remittances\n",
        "\f",
        "\n\n",
        "Page 3\n",
        "* ",
        "# Title\n",
        "<h1>x</h1>",
        "<p>",
        "\u00a0",
        "1/ A footnote.\n",
        "remittances reduce poverty. ",
        "\t",
        "\r\n",
    ]
)
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=80)), max_size=40).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT, suffix=st.sampled_from([".txt", ".md", ".html"]))
def test_any_text_gives_passages_or_a_clear_error(text: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / f"report{suffix}"
        source.write_bytes(text.encode("utf-8", errors="surrogatepass"))
        try:
            report = build_index(
                [source], Path(scratch) / "index", embedder=HashingEmbedder(16), progress=False
            )
        except ReportQAError as exc:
            assert str(exc).strip(), "a ReportQAError must say what is wrong"
            return
        # Built: every passage is cited to where it lies in its document's text.
        index = load_index(Path(scratch) / "index")
        assert report.passage_count == len(index.passages) > 0
        text_of = index.texts[index.passages[0].citation.document]
        for passage in index.passages:
            citation = passage.citation
            assert text_of[citation.start : citation.end] == passage.text
