"""What one index version implies for questions, worked out once when it loads.

The BM25 indexes, the acronyms the documents spell out, the scopes, the records, each
section's text and each document's bunching and words all follow from the version's passages.
They live here, apart from ranking (``index/search.py``) and answering
(``index/answering.py``), which read them; nothing in them depends on the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.acronyms import Acronyms
from index.confidence import bunching
from index.lexical import EXTRA_FILE, LexicalIndex, titled
from index.models import Passage
from index.runs import run_rows
from index.scopes import Scopes
from index.sentences import is_record
from index.store import ACRONYMS_FILE, LEXICAL_PASSAGES, LEXICAL_SENTENCES, LoadedIndex
from index.vocabulary import DocumentWords


def section_key(passage: Passage) -> tuple[str, str]:
    """What names a section across documents: its document and its id."""
    return passage.citation.document, passage.citation.section


def _lexical(index: LoadedIndex) -> tuple[LexicalIndex, LexicalIndex, Acronyms]:
    """The BM25 indexes and acronyms the version stores, or learnt now for one written without them."""
    folder = index.path
    if (folder / LEXICAL_PASSAGES / EXTRA_FILE).is_file():
        return (
            LexicalIndex.load(folder / LEXICAL_PASSAGES),
            LexicalIndex.load(folder / LEXICAL_SENTENCES),
            Acronyms.load(folder / ACRONYMS_FILE),
        )
    texts = [titled(passage) for passage in index.passages]
    sentences = [index.passages[row].text[start:end] for row, start, end in index.sentences.tolist()]
    return LexicalIndex(texts), LexicalIndex(sentences), Acronyms(texts)


@dataclass(frozen=True)
class Derived:
    """Per-version data for ranking and answering; build it with ``Derived.of(index)``."""

    lexical: LexicalIndex
    """BM25 over each passage with its section title."""
    sentence_lexical: LexicalIndex
    """BM25 over each sentence, in ``LoadedIndex.sentences`` order."""
    sentences_of: list[list[int]]
    """Each passage's sentence numbers."""
    acronyms: Acronyms
    """Acronyms a reader may type for names the documents spell out ("ODA")."""
    scopes: Scopes
    """The documents, the section ids each accepts, and the rows of every scope."""
    section_of: np.ndarray
    """Each passage's section as a number, one per (document, section): ids repeat across documents."""
    records: frozenset[int]
    """Rows of the passages that are records (annex entries), which are quoted whole."""
    section_texts: dict[tuple[str, str], str]
    """All the text of each section, in reading order, by (document, section id)."""
    bunching: dict[str, float]
    """Each document's mean cosine between two of its passages (``index/confidence.py``)."""
    words: Vocabularies
    """Each document's words, for the terms a question names that it never does (``index/vocabulary.py``)."""
    sentence_starts: np.ndarray
    """The first sentence number of each passage that has sentences (the rows in ``sentence_owners``)."""
    sentence_owners: np.ndarray
    """The rows of the passages that have sentences, in order."""
    sentence_counts: np.ndarray
    """Each passage's number of sentences (0 for a passage without), by row."""
    first_sentence: np.ndarray
    """Each passage's first sentence number (0 for a passage without), by row."""

    @classmethod
    def of(cls, index: LoadedIndex) -> Derived:
        passages = index.passages
        lexical, sentence_lexical, acronyms = _lexical(index)
        sentences_of: list[list[int]] = [[] for _ in passages]
        for number, row in enumerate(index.sentence_rows.tolist()):
            sentences_of[row].append(number)
        codes: dict[tuple[str, str], int] = {}
        texts: dict[tuple[str, str], list[str]] = {}
        for passage in passages:
            texts.setdefault(section_key(passage), []).append(passage.text)
        documents = np.array([p.citation.document for p in passages], dtype=object)
        owners, starts = np.unique(index.sentence_rows, return_index=True)
        return cls(
            lexical=lexical,
            sentence_lexical=sentence_lexical,
            sentences_of=sentences_of,
            acronyms=acronyms,
            scopes=Scopes(index.manifest, index.sections, passages),
            section_of=np.array([codes.setdefault(section_key(p), len(codes)) for p in passages], np.int64),
            records=frozenset(row for row, p in enumerate(passages) if is_record(p.text)),
            section_texts={key: "\n".join(parts) for key, parts in texts.items()},
            bunching={
                name: bunching(index.matrix[documents == name]) for name in dict.fromkeys(documents.tolist())
            },
            words=Vocabularies(passages),
            sentence_starts=starts.astype(np.int64),
            sentence_owners=owners.astype(np.int64),
            sentence_counts=np.bincount(index.sentence_rows, minlength=len(passages)).astype(np.int64),
            first_sentence=_firsts(owners, starts, len(passages)),
        )

    def best_sentences(self, scores: np.ndarray, passages: int) -> np.ndarray:
        """Each passage's best score among its sentences' ``scores`` (-1 for a passage without sentences).

        Sentences are stored in passage order, so one ``maximum.reduceat`` does it.
        """
        best = np.full(passages, -1.0, dtype=np.float32)
        if len(self.sentence_starts):
            best[self.sentence_owners] = np.maximum.reduceat(scores, self.sentence_starts)
        return best

    def sentences_in(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The sentence numbers of the passages in ``rows``, passage after passage, without a scan of all.

        Also the rows that have sentences and where each one's run starts in the numbers, so
        ``maximum.reduceat`` gives each its best: the cost follows the rows, not the corpus.
        """
        rows = np.asarray(rows, dtype=np.int64)
        having = rows[self.sentence_counts[rows] > 0]
        numbers, offsets = run_rows(self.first_sentence[having], self.sentence_counts[having])
        return numbers, having, offsets

    def section_text(self, passage: Passage) -> str:
        """All the text of the passage's section (of its own document), in reading order."""
        return self.section_texts[section_key(passage)]


class Vocabularies:
    """Each document's words, gathered when a question first needs them (6 ms for the report).

    Lazily: a library of hundreds of documents loads without reading all their words.
    """

    def __init__(self, passages: Sequence[Passage]) -> None:
        self._passages = passages
        self._words: dict[str, DocumentWords] = {}

    def __getitem__(self, document: str) -> DocumentWords:
        words = self._words.get(document)
        if words is None:
            texts = (titled(p) for p in self._passages if p.citation.document == document)
            words = self._words[document] = DocumentWords.of(texts)
        return words


def _firsts(owners: np.ndarray, starts: np.ndarray, passages: int) -> np.ndarray:
    firsts = np.zeros(passages, dtype=np.int64)
    firsts[owners] = starts
    return firsts
