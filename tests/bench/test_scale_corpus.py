"""The growth bench picks its extra pages deterministically and reaches the passage count asked for."""

from __future__ import annotations

import random
from pathlib import Path

from bench.scale_corpus import SOURCES, Page, candidate_files, materialise, select_pages


def pages(n: int = 400) -> list[Page]:
    """Pages of two made-up sources with 0-40 passages each (a fixed seed, no download)."""
    rng = random.Random(16)
    return [
        Page(("python", "postgres")[i % 2], f"dir{i % 7}/page{i}.html", rng.randint(0, 40)) for i in range(n)
    ]


def test_the_subset_reaches_the_target_and_stops_there() -> None:
    chosen = select_pages(pages(), 3000)
    total = sum(p.passages for p in chosen)
    assert total >= 3000
    assert total - chosen[-1].passages < 3000  # the last page was needed


def test_the_subset_does_not_depend_on_the_order_pages_come_in() -> None:
    shuffled = pages()
    random.Random(1).shuffle(shuffled)
    assert select_pages(shuffled, 3000) == select_pages(pages(), 3000)


def test_a_larger_corpus_holds_the_smaller_one() -> None:
    small, large = select_pages(pages(), 1000), select_pages(pages(), 5000)
    assert large[: len(small)] == small


def test_the_subset_mixes_the_sources_and_skips_empty_pages() -> None:
    chosen = select_pages(pages(), 3000)
    assert {p.source for p in chosen} == {"python", "postgres"}
    assert all(p.passages > 0 for p in chosen)


def test_short_of_the_target_every_page_with_passages_is_taken() -> None:
    every = pages(20)
    assert len(select_pages(every, 10**6)) == sum(1 for p in every if p.passages)


def test_index_pages_are_skipped_and_flat_names_are_unique(tmp_path: Path) -> None:
    html = tmp_path / "html"
    for name in (
        "genindex-A.html",
        "library/json.html",
        "search.html",
        "_static/x.html",
        "tutorial/index.html",
    ):
        (html / name).parent.mkdir(parents=True, exist_ok=True)
        (html / name).write_text(f"<h1>{name}</h1><p>text</p>", encoding="utf-8")
    python = next(s for s in SOURCES if s.name == "python")
    assert candidate_files(python, html) == ["library/json.html", "tutorial/index.html"]
    chosen = [Page("python", path, 1) for path in candidate_files(python, html)]
    folder = materialise(chosen, {"python": html}, tmp_path / "corpus")
    assert sorted(p.name for p in folder.iterdir()) == [
        "python-library-json.html",
        "python-tutorial-index.html",
    ]
