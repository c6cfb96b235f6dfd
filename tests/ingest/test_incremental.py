"""Rebuilding after an edit: only what changed is embedded again, every other id survives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from fakes import HashingEmbedder

from index.store import load_index
from ingest.embed_cache import CachingEmbedder, EmbeddingCache, cache_path, text_key
from ingest.pipeline import BuildReport, build_index, embedding_input, sentence_inputs

REPORT = Path(__file__).resolve().parents[2] / "corpus" / "high-level-dialogue-2006.txt"
EDITED_LINE = "Participants agreed that migrants’ remittances, estimated at $US 232 billion in 2005, were"


def build(source: Path, root: Path) -> BuildReport:
    return build_index([source], root, embedder=HashingEmbedder(64), progress=False)


def model_inputs(root: Path) -> set[str]:
    index = load_index(root)
    return {embedding_input(p) for p in index.passages} | {
        s for p in index.passages for s in sentence_inputs(p)
    }


def test_first_build_embeds_everything_and_adds_every_passage(report_copy: Path, tmp_path: Path) -> None:
    report = build(report_copy, tmp_path / "index")
    s = report.summary
    assert (s.added, s.changed, s.unchanged, s.removed) == (report.passage_count, 0, 0, 0)
    assert s.embedded == len(model_inputs(tmp_path / "index"))


def test_rebuild_without_changes_embeds_nothing(report_copy: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    first = build(report_copy, root)
    second = build(report_copy, root)
    assert second.summary.embedded == 0
    assert second.summary.unchanged == first.passage_count
    assert second.previous == first.version


def test_editing_one_paragraph_re_embeds_only_the_passages_it_touched(
    report_copy: Path, tmp_path: Path
) -> None:
    root = tmp_path / "index"
    build(report_copy, root)
    before = load_index(root)
    inputs_before = model_inputs(root)
    raw = report_copy.read_text(encoding="utf-8")
    assert raw.count(EDITED_LINE) == 1
    report_copy.write_text(raw.replace(EDITED_LINE, EDITED_LINE.replace("232", "250")), encoding="utf-8")

    report = build(report_copy, root)
    after = load_index(root)

    assert report.summary.changed == 1
    assert (report.summary.added, report.summary.removed) == (0, 0)
    assert report.summary.unchanged == len(before.passages) - 1
    assert report.summary.embedded == len(model_inputs(root) - inputs_before)
    assert 1 <= report.summary.embedded <= 6
    (gone,) = set(before.by_id) - set(after.by_id)
    (came,) = set(after.by_id) - set(before.by_id)
    assert "232 billion" in before.passage(gone).text
    assert "250 billion" in after.passage(came).text
    assert after.passage(came).citation.section == "B.4"
    # every other passage keeps its id, so a saved citation still resolves
    assert set(before.by_id) - {gone} == set(after.by_id) - {came}


def test_a_removed_section_leaves_no_passage_behind(report_copy: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    build(report_copy, root)
    before = load_index(root)
    doomed = {p.id for p in before.passages if p.citation.section == "B.17"}
    assert doomed
    lines = report_copy.read_text(encoding="utf-8").split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("17. Follow-up"))
    last = next(i for i, line in enumerate(lines) if line.startswith(" C.  DEVELOPMENTS"))
    report_copy.write_text("\n".join(lines[:first] + lines[last:]), encoding="utf-8")

    report = build(report_copy, root)
    after = load_index(root)

    assert not [p for p in after.passages if p.citation.section == "B.17"]
    assert "B.17" not in {s.id for s in after.sections}
    assert report.summary.removed == len(doomed)
    assert report.summary.embedded == 0
    assert set(after.by_id) == set(before.by_id) - doomed


def test_the_cache_is_keyed_by_model(report_copy: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    build(report_copy, root)
    other = build_index([report_copy], root, embedder=HashingEmbedder(32), progress=False)
    assert other.summary.embedded > 0
    assert cache_path(None, "hashing-64", "hashing").is_file()
    assert cache_path(None, "hashing-32", "hashing").is_file()


def test_caching_embedder_asks_the_model_only_for_new_texts(tmp_path: Path) -> None:
    inner = HashingEmbedder(16)
    cache = CachingEmbedder(inner, EmbeddingCache(tmp_path / "c.npz", dimension=16))
    first = cache.embed(["alpha beta", "gamma", "alpha beta"])
    assert cache.embedded == 2
    again = cache.embed(["gamma", "delta"])
    assert cache.embedded == 3
    np.testing.assert_array_equal(first[1], again[0])
    np.testing.assert_allclose(again, inner.embed(["gamma", "delta"]))
    cache.save()
    reloaded = EmbeddingCache(tmp_path / "c.npz", dimension=16)
    assert len(reloaded) == 3 and reloaded.get(text_key("delta")) is not None


def test_a_rebuild_that_embeds_nothing_new_leaves_the_cache_file_alone(
    report_copy: Path, tmp_path: Path
) -> None:
    root = tmp_path / "index"
    build(report_copy, root)
    caches = sorted(cache_path(None, "hashing-64", "hashing").parent.glob("*.npz"))
    assert caches
    written = {path: path.stat().st_mtime_ns for path in caches}
    assert build(report_copy, root).summary.embedded == 0
    assert {path: path.stat().st_mtime_ns for path in caches} == written


def test_an_unreadable_cache_only_costs_time(tmp_path: Path) -> None:
    path = tmp_path / "c.npz"
    path.write_bytes(b"not a numpy file")
    cache = CachingEmbedder(HashingEmbedder(16), EmbeddingCache(path, dimension=16))
    cache.embed(["alpha"])
    assert cache.embedded == 1


def test_two_index_directories_share_the_cache_without_evicting_each_other(
    report_copy: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\n## 1. Fees\n\nTransfer fees for small remittances fall with competition.\n")
    build(report_copy, tmp_path / "report-index")
    build(notes, tmp_path / "notes-index")
    assert build(report_copy, tmp_path / "report-index").summary.embedded == 0


def test_the_cache_keeps_at_most_its_limit_most_recently_used_first(tmp_path: Path) -> None:
    path = tmp_path / "c.npz"
    old = CachingEmbedder(HashingEmbedder(16), EmbeddingCache(path, dimension=16))
    old.embed(["one", "two", "three"])
    old.save()
    cache = EmbeddingCache(path, dimension=16)
    cache.limit = 3
    recent = CachingEmbedder(HashingEmbedder(16), cache)
    recent.embed(["four", "two"])
    recent.save()
    kept = EmbeddingCache(path, dimension=16)
    assert len(kept) == 3
    assert kept.get(text_key("four")) is not None and kept.get(text_key("two")) is not None
