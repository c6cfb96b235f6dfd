"""Late interaction: each question token against its best match in a passage, end to end through an index."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from fakes import HashingEmbedder

from index import confidence
from index.answering import answer
from index.embedder import Encoded, unit_rows
from index.errors import CorruptIndex, IncompatibleIndex
from index.late import SPECIFICITY_CANDIDATES, TokenVectors, compress, pack, specificity, unpack
from index.model_cache import model_home
from index.search import Retriever
from index.store import file_sha256, load_index
from ingest.pipeline import build_index

DIMENSION = 128


def word_vector(word: str) -> np.ndarray:
    vector = np.zeros(DIMENSION, dtype=np.float32)
    vector[int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little") % DIMENSION] = 1
    return vector


class TokenHashingEmbedder(HashingEmbedder):
    """The hashing embedder with token vectors: one hashed one-hot row per word, as a model's tokens."""

    def __init__(self) -> None:
        super().__init__(DIMENSION)
        self.encoded: list[str] = []

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> list[Encoded]:
        self.encoded.extend(texts)
        vectors = self.embed(texts)
        return [
            Encoded(v, unit_rows(np.stack([word_vector(w) for w in re.findall(r"[a-z]+", t.lower())])))
            for v, t in zip(vectors, texts, strict=True)
        ]


def test_a_passage_holding_every_question_token_scores_one() -> None:
    tokens = TokenVectors.of(
        [np.stack([word_vector(w) for w in words]) for words in (["a", "b"], ["a", "c"])]
    )
    query = np.stack([word_vector("a"), word_vector("b")])
    np.testing.assert_allclose(tokens.scores(query, np.array([0, 1])), [1.0, 0.5], atol=1e-6)
    np.testing.assert_allclose(tokens.scores(query, np.array([1])), [0.5], atol=1e-6)
    assert tokens.scores(query, np.array([], dtype=np.int64)).shape == (0,)


def test_a_word_every_candidate_holds_weighs_less_than_one_that_tells_them_apart() -> None:
    """ "pyenv" is in every passage of pyenv's README; "tcsh" in one: the match on "tcsh" decides."""
    others = [["pyenv", f"other{n}"] for n in range(SPECIFICITY_CANDIDATES)]
    passages = [["pyenv", "tcsh"], *others]
    tokens = TokenVectors.of([np.stack([word_vector(w) for w in words]) for words in passages])
    query = np.stack([word_vector("pyenv"), word_vector("tcsh")])
    scores = tokens.scores(query, np.arange(SPECIFICITY_CANDIDATES + 1))
    assert scores[0] > 0.95 and scores[1:].max() < 0.2  # the plain mean gives the others 0.5
    best = np.array([[1.0] * 12, [1.0] + [0.0] * 11])
    weights = specificity(best)
    assert abs(float(weights.sum()) - 1.0) < 1e-6 and weights[0] < weights[1] / 100
    # Too few candidates to tell which words are common: every token weighs the same.
    assert specificity(best[:, :3]).tolist() == [0.5, 0.5]


def test_offsets_that_do_not_cover_the_tokens_are_refused() -> None:
    with pytest.raises(ValueError, match="do not cover"):
        TokenVectors(np.zeros((5, DIMENSION // 2), np.uint8), np.array([0, 2, 4]), np.eye(DIMENSION))
    with pytest.raises(ValueError, match="do not fit"):
        TokenVectors(np.zeros((4, DIMENSION), np.uint8), np.array([0, 2, 4]), np.eye(DIMENSION))


def test_four_bit_codes_keep_each_vector_within_a_few_degrees() -> None:
    rows = unit_rows(np.random.default_rng(0).standard_normal((200, 128)).astype(np.float32))
    codes = pack(rows)
    assert codes.shape == (200, 64) and codes.dtype == np.uint8
    assert (unpack(codes) * rows).sum(axis=1).min() > 0.97
    assert np.array_equal(unpack(pack(np.eye(4, dtype=np.float32))), np.eye(4))  # -1..1 exactly


def model_like_tokens(seed: int, passages: int = 30) -> list[np.ndarray]:
    """Token vectors shaped like the model's: 384 dimensions, a few main directions, a topic a passage."""
    rng = np.random.default_rng(seed)
    basis = rng.standard_normal((48, 384))
    topics = rng.standard_normal((passages, 48))
    return [
        unit_rows(
            ((topics[p] + rng.standard_normal((int(rng.integers(5, 40)), 48))) @ basis).astype(np.float32)
        )
        for p in range(passages)
    ]


def exact_scores(per_passage: list[np.ndarray], query: np.ndarray) -> np.ndarray:
    """Late interaction on the float vectors, without axes or codes."""
    return np.array([(unit_rows(query) @ tokens.T).max(axis=1).mean() for tokens in per_passage])


def test_compressed_token_vectors_rank_the_passages_as_the_float_vectors_do() -> None:
    per_passage = model_like_tokens(1)
    stored = compress(per_passage)
    assert stored.axes.shape == (384, 128) and stored.codes.shape == (sum(map(len, per_passage)), 64)
    tokens = TokenVectors(stored.codes, stored.offsets, stored.axes)
    rows = np.arange(len(per_passage))
    for question in range(5):
        query = per_passage[question][::3] + 0.3 * model_like_tokens(100 + question, 1)[0][:1]
        exact, coded = exact_scores(per_passage, query), tokens.scores(query, rows)
        np.testing.assert_allclose(coded, exact, atol=0.03)
        assert np.argmax(coded) == np.argmax(exact) == question
        apart = exact[:, None] - exact[None, :] > 0.05  # passages the float vectors tell apart
        assert apart.sum() > 100 and np.all((coded[:, None] > coded[None, :])[apart])


REPORT = """ A SMALL REPORT

A.  THE FIRST PART

1. Remittances

Remittances were the most tangible benefit of migration for families at home.

Transfer fees for remittances remained high and should be lowered by banks.

2. Return

Returning migrants brought skills and savings home to their families.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, TokenHashingEmbedder]:
    folder = tmp_path_factory.mktemp("late")
    source = folder / "small.txt"
    source.write_text(REPORT, encoding="utf-8")
    embedder = TokenHashingEmbedder()
    build_index([source], folder / "index", embedder=embedder, progress=False)
    return source, folder / "index", embedder


def test_ingest_stores_every_passage_token_vectors(built: tuple[Path, Path, TokenHashingEmbedder]) -> None:
    _, root, _ = built
    index = load_index(root)
    assert index.tokens is not None and len(index.tokens) == len(index.passages)
    assert {"tokens.npy", "token_offsets.npy", "token_axes.npy"} <= set(index.manifest.files)


def test_the_loaded_token_codes_are_memory_mapped(built: tuple[Path, Path, TokenHashingEmbedder]) -> None:
    _, root, _ = built
    tokens = load_index(root).tokens
    assert tokens is not None
    codes = tokens.codes  # what grows with the corpus; the offsets and axes are read whole
    assert isinstance(codes, np.memmap) or isinstance(codes.base, np.memmap), type(codes)
    assert not codes.flags.writeable


def copy_of(root: Path, tmp_path: Path) -> Path:
    """A copy of the current version, as its own index directory."""
    import shutil

    version = load_index(root).path
    shutil.copytree(version, tmp_path / "index" / "versions" / version.name)
    (tmp_path / "index" / "current").symlink_to(Path("versions") / version.name)
    return tmp_path / "index" / "versions" / version.name


def rewrite_manifest(version: Path, **changes: object) -> None:
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    manifest.update(changes)
    (version / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_an_index_of_the_float16_token_format_is_refused_with_the_rebuild_message(
    built: tuple[Path, Path, TokenHashingEmbedder], tmp_path: Path
) -> None:
    _, root, _ = built
    version = copy_of(root, tmp_path)
    rewrite_manifest(version, format_version=1)
    with pytest.raises(IncompatibleIndex, match=r"format version 1 .* rebuild with: reportqa ingest"):
        load_index(tmp_path / "index")


def test_an_index_missing_a_token_file_gets_the_rebuild_message(
    built: tuple[Path, Path, TokenHashingEmbedder], tmp_path: Path
) -> None:
    _, root, _ = built
    version = copy_of(root, tmp_path)
    (version / "token_axes.npy").unlink()
    with pytest.raises(CorruptIndex, match=r"token_axes.npy is missing; rebuild with: reportqa ingest"):
        load_index(tmp_path / "index")
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    del manifest["files"]["token_axes.npy"]
    rewrite_manifest(version, files=manifest["files"])
    with pytest.raises(CorruptIndex, match=r"lacks token_axes.npy; rebuild with: reportqa ingest"):
        load_index(tmp_path / "index")


def test_float16_token_vectors_in_place_of_the_codes_get_the_rebuild_message(
    built: tuple[Path, Path, TokenHashingEmbedder], tmp_path: Path
) -> None:
    _, root, _ = built
    version = copy_of(root, tmp_path)
    codes = np.load(version / "tokens.npy")
    np.save(version / "tokens.npy", np.zeros((len(codes), DIMENSION), dtype=np.float16))
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    rewrite_manifest(version, files={**manifest["files"], "tokens.npy": file_sha256(version / "tokens.npy")})
    with pytest.raises(CorruptIndex, match=r"do not fit axes.*rebuild with: reportqa ingest"):
        load_index(tmp_path / "index")


def test_late_interaction_reranks_the_candidates_when_the_question_has_token_vectors(
    built: tuple[Path, Path, TokenHashingEmbedder],
) -> None:
    _, root, embedder = built
    retriever = Retriever(load_index(root), embedder)
    signals = retriever.signals("Should banks lower the transfer fees?")
    assert signals.late is not None
    fees = next(r for r, p in enumerate(retriever.index.passages) if "fees" in p.text)
    assert signals.late[fees] == signals.late.max() > 0
    plain = Retriever(load_index(root), HashingEmbedder(DIMENSION)).signals("Should banks lower the fees?")
    assert plain.late is None  # a model without token vectors ranks as before


def test_the_confidence_reads_the_best_passage_word_match(
    built: tuple[Path, Path, TokenHashingEmbedder], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, root, embedder = built
    retriever = Retriever(load_index(root), embedder)
    held = answer(retriever, "Should banks lower the transfer fees for remittances?")
    assert held.evidence is not None and held.evidence.word_match is not None
    document = held.passages[0].hit.passage.citation.document
    assert held.evidence.bunching == retriever.derived.bunching[document]
    # As on a document the model was not tuned on: the document model decides.
    monkeypatch.setattr(confidence, "BUNCHED", (-1.0, -0.5))
    held = answer(retriever, "Should banks lower the transfer fees for remittances?")
    missing = answer(retriever, "Which cryptocurrency exchange charges the lowest commission?")
    assert missing.evidence is not None and held.evidence.word_match is not None
    assert missing.evidence.word_match is not None
    assert missing.evidence.word_match < held.evidence.word_match
    assert missing.confidence < held.confidence and held.answerable is True


def test_a_rebuild_takes_unchanged_passages_token_vectors_from_the_cache(
    built: tuple[Path, Path, TokenHashingEmbedder], tmp_path: Path
) -> None:
    source, _, _ = built
    embedder = TokenHashingEmbedder()
    build_index([source], tmp_path / "index", embedder=embedder, progress=False)
    first = len(embedder.encoded)
    edited = tmp_path / "small.txt"
    edited.write_text(REPORT.replace("savings home", "savings back home"), encoding="utf-8")
    build_index([edited], tmp_path / "index", embedder=embedder, progress=False)
    assert first > 1 and len(embedder.encoded) == first + 1  # only the edited passage


def test_the_axes_are_fitted_on_a_bounded_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    from index import late

    seen: list[int] = []
    fit = late.principal_axes

    def counting(sample: np.ndarray, dimensions: int) -> np.ndarray | None:
        seen.append(len(sample))
        return fit(sample, dimensions)

    monkeypatch.setattr(late, "principal_axes", counting)
    monkeypatch.setattr(late, "SAMPLE_AT_MOST", 100)
    per_passage = model_like_tokens(2, passages=40)
    total = sum(map(len, per_passage))
    late.compress(per_passage)
    assert total > 600 and 50 <= seen[0] <= 100
    monkeypatch.setattr(late, "SAMPLE_AT_MOST", 10 * total)
    late.compress(per_passage)
    assert seen[1] == len(np.concatenate(per_passage)[:: late.SAMPLE_EVERY])  # every third, as before


def test_the_candidates_score_as_each_one_matched_on_its_own() -> None:
    """All candidates at once, empty passages included, give each passage's mean best cosine."""
    rng = np.random.default_rng(7)
    passages = [unit_rows(rng.normal(size=(n, DIMENSION)).astype(np.float32)) for n in (5, 0, 9, 1, 0, 4)]
    vectors = TokenVectors.of(passages)
    query = unit_rows(rng.normal(size=(6, DIMENSION)).astype(np.float32))
    rows = np.array([2, 1, 5, 0, 4, 3])
    projected = vectors.project(query)
    expected = [
        0.0 if start == end else float((projected @ unpack(vectors.codes[start:end]).T).max(axis=1).mean())
        for start, end in ((vectors.offsets[r], vectors.offsets[r + 1]) for r in rows)
    ]
    assert np.allclose(vectors.scores(query, rows), expected, atol=1e-6)
    assert vectors.scores(query, np.array([1, 4])).tolist() == [0.0, 0.0]


def test_a_build_removes_the_superseded_token_cache_of_every_piece(tmp_path: Path) -> None:
    source = tmp_path / "small.txt"
    source.write_text(REPORT, encoding="utf-8")
    embedder = TokenHashingEmbedder()
    home = model_home(tmp_path / "cache", embedder.name)
    home.mkdir(parents=True)
    superseded = home / f"tokens-{embedder.backend}.npz"
    superseded.write_bytes(b"punctuation included")
    build_index([source], tmp_path / "index", embedder=embedder, progress=False, cache_dir=tmp_path / "cache")
    assert (home / f"words-{embedder.backend}.npz").is_file()
    assert not superseded.exists()


class DenseTokenEmbedder(HashingEmbedder):
    """Token vectors wider than the stored axes: a fixed random direction per word, so axes are fitted."""

    def __init__(self) -> None:
        super().__init__(3 * DIMENSION // 2)
        self.encoded: list[str] = []

    def word(self, word: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
        return np.random.default_rng(seed).standard_normal(self.dimension).astype(np.float32)

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> list[Encoded]:
        self.encoded.extend(texts)
        return [
            Encoded(v, unit_rows(np.stack([self.word(w) for w in re.findall(r"[a-z]+", t.lower())])))
            for v, t in zip(self.embed(texts), texts, strict=True)
        ]


def test_a_passage_keeps_its_token_codes_when_other_documents_join_it(tmp_path: Path) -> None:
    """The axes are fitted on a fixed reference text, never on the corpus, so growth recodes nothing."""
    report = tmp_path / "small.txt"
    report.write_text(REPORT, encoding="utf-8")
    other = tmp_path / "manual.txt"
    words = " ".join(f"term{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}" for i in range(600))
    other.write_text(f"A MANUAL\n\n1. Terms\n\n{words}.\n", encoding="utf-8")
    embedder = DenseTokenEmbedder()
    cache = tmp_path / "cache"
    build_index([report], tmp_path / "alone", embedder=embedder, progress=False, cache_dir=cache)
    reference_encoded = len(embedder.encoded)
    build_index([report, other], tmp_path / "beside", embedder=embedder, progress=False, cache_dir=cache)
    alone, beside = load_index(tmp_path / "alone").tokens, load_index(tmp_path / "beside").tokens
    assert alone is not None and beside is not None
    assert alone.axes.shape == (embedder.dimension, DIMENSION)  # fitted, not the identity
    assert np.array_equal(alone.axes, beside.axes)
    for row in range(len(alone)):  # the report's passages come first in both
        start, end = alone.offsets[row], alone.offsets[row + 1]
        assert np.array_equal(alone.codes[start:end], beside.codes[start:end])
    # The axes are kept in the model cache: the second build embedded the manual alone.
    assert reference_encoded > 100 and all("term" in text for text in embedder.encoded[reference_encoded:])


def test_without_its_reference_text_a_build_fits_the_axes_on_the_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest import pipeline
    from ingest.embed_cache import reference_axes
    from ingest.pipeline import embedding_input, reference_inputs

    assert reference_inputs(tmp_path / "missing.txt") is None
    assert reference_inputs() is not None and len(reference_inputs() or ()) > 50
    monkeypatch.setattr(pipeline, "reference_inputs", lambda: reference_inputs(tmp_path / "missing.txt"))
    manual = tmp_path / "manual.txt"
    words = " ".join(f"term{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}" for i in range(600))
    manual.write_text(f"A MANUAL\n\n1. Terms\n\n{words}.\n", encoding="utf-8")
    embedder = DenseTokenEmbedder()
    build_index([manual], tmp_path / "index", embedder=embedder, progress=False, cache_dir=tmp_path / "cache")
    index = load_index(tmp_path / "index")
    assert index.tokens is not None and index.tokens.axes.shape == (embedder.dimension, DIMENSION)
    corpus = [embedding_input(passage) for passage in index.passages]
    assert np.array_equal(index.tokens.axes, reference_axes(embedder, corpus, None)[0])


def test_a_build_of_the_reference_text_itself_encodes_each_passage_once(tmp_path: Path) -> None:
    """The axes' forward pass over the reference is the build's own: the shipped report costs one pass."""
    from ingest.pipeline import AXES_REFERENCE

    embedder = DenseTokenEmbedder()
    build_index([AXES_REFERENCE], tmp_path / "index", embedder=embedder, progress=False, cache_dir=tmp_path)
    passages = load_index(tmp_path / "index").passages
    assert len(embedder.encoded) == len(set(embedder.encoded)) == len(passages) > 50
