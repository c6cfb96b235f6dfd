"""Rare terms a question names that its document never uses (``index/vocabulary.py``)."""

from __future__ import annotations

from pathlib import Path

from index.embedder import whole_words
from index.vocabulary import DocumentWords, absent_terms, is_common

# A model's everyday words, as a WordPiece vocabulary lists them (continuations marked "##").
COMMON = whole_words(
    "[CLS] ##ing ##s how do i set up in download back and forth short term the what where which does"
    " support is binary use config on a bread commit queue".split()
)
README = DocumentWords.of(
    ["Installation\nSet up your shell for pyenv: bash and zsh read ~/.bashrc.",
     "Configuration\nThe official development assistance (ODA) figures; pyenv-virtualenv is a plugin."]
)  # fmt: skip


def test_whole_words_keep_words_and_drop_continuations_and_markers() -> None:
    pieces = ["##ing", "[CLS]", "download", "▁Bread", "Ġqueue", "."]
    assert whole_words(pieces) == {"download", "bread", "queue"}


def test_a_word_is_common_when_it_or_an_inflection_is_a_whole_word() -> None:
    assert is_common("downloading", COMMON) and is_common("binaries", COMMON) and is_common("using", COMMON)
    assert not is_common("tcsh", COMMON) and not is_common("xattrs", COMMON)


def test_a_rare_term_the_document_never_uses_is_absent() -> None:
    assert absent_terms("How do I set up pyenv in tcsh?", README, COMMON) == ["tcsh"]
    assert absent_terms("How do I set up pyenv in zsh?", README, COMMON) == []


def test_a_term_the_document_holds_in_another_form_is_not_absent() -> None:
    # "virtualenv" is part of the compound "pyenv-virtualenv"; "config" begins "configuration".
    assert absent_terms("Is virtualenv a plugin?", README, COMMON) == []
    assert absent_terms("Where is the pyenv config?", README, COMMON) == []
    assert absent_terms("Which shells does pyenv support?", README, COMMON) == []  # "shell", plural


def test_a_compound_counts_by_its_parts() -> None:
    assert absent_terms("is short-term back-and-forth use set up?", README, COMMON) == []
    assert absent_terms("what is SO_REUSEADDR in pyenv?", README, COMMON) == ["SO_REUSEADDR"]


def test_an_acronym_spelled_out_and_a_word_for_a_part_of_the_document_are_never_absent() -> None:
    assert absent_terms("What is the footnote on ODA?", README, COMMON, {"ODA": "official development"}) == []
    assert absent_terms("What is the GCIM?", README, COMMON) == ["GCIM"]


def test_the_bundled_models_vocabulary_tells_everyday_words_from_rare_terms() -> None:
    from tokenizers import Tokenizer

    from index.embedder import DEFAULT_MODEL, resolve_model_path

    tokenizer = Tokenizer.from_file(str(Path(resolve_model_path(DEFAULT_MODEL)) / "tokenizer.json"))
    common = whole_words(tokenizer.get_vocab())
    assert all(is_common(word, common) for word in ("downloading", "binaries", "migration", "using"))
    # "remittances" is rare to a general model: the report uses it, so it is never absent there.
    assert not any(is_common(word, common) for word in ("tcsh", "kcachegrind", "xattrs", "remittances"))
