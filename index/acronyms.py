"""Acronyms a reader types for names the report spells out: "ODA", "LDC", "NGOs", "GA".

A UN report writes "official development assistance" and "least developed countries";
its readers ask about "ODA" and "the LDC conference".  BM25 cannot match the two, and a
confidence that counts names the report never uses would take "ODA" for a name it
lacks.  So each acronym of a question that the corpus never uses is spelled out from
the corpus itself: the phrase whose words' initials spell it (``of``, ``for`` and the
like skipped inside, a hyphenated word giving one initial per part, as "Secretary-General"
gives "SG").  No list is kept by hand, so an edited or a new report brings its own.

A phrase must earn its place: it occurs at least twice, or is written as a name (every
word capitalised) at least once; among several, the most frequent wins, and a name
wins a tie.  So a phrase that happens to have the initials once ("people displaced
first" for "PDF") spells nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np

_WORD = re.compile(r"[A-Za-z]+")
# An acronym as typed: two to six capitals, perhaps a plural "s" ("NGOs", "MDGs").
_ACRONYM = re.compile(r"\b([A-Z]{2,6})s?\b")
# Words an acronym skips inside a phrase ("Ministry of Foreign Affairs" is MFA).
_SKIPPED = frozenset({"of", "for", "and", "on", "in"})
LONGEST = 6


def _phrase_rows(ids: np.ndarray, content: np.ndarray, rows: np.ndarray, length: int) -> np.ndarray:
    """Each phrase starting at content word ``rows`` as ids: word, skipped word or -1, word, ...."""
    out = np.full((len(rows), 2 * length - 1), -1, dtype=np.int64)
    for j in range(length):
        out[:, 2 * j] = ids[content[rows + j]]
        if j < length - 1:
            left = content[rows + j]
            gap = content[rows + j + 1] - left == 2
            out[gap, 2 * j + 1] = ids[left[gap] + 1]
    return out


def _row_codes(matrix: np.ndarray, words: int) -> np.ndarray:
    """One int per row, equal for equal rows: the columns folded in one by one, a 1-d sort each."""
    codes = matrix[:, 0] + 1
    for column in range(1, matrix.shape[1]):
        _, codes = np.unique(codes * (words + 2) + matrix[:, column] + 1, return_inverse=True)
        codes = codes.reshape(-1)
    return codes


def _learn(texts: Iterable[str]) -> tuple[frozenset[str], dict[str, str]]:
    """The corpus's words, and each acronym's phrase: the most frequent, a name winning a tie.

    A phrase runs over content words, with at most one skipped word between two, and
    spans at most ``2 * LONGEST`` words.  Phrases are counted by their number of
    initials, shortest first, and a longer one only where its prefix occurred twice or
    is a name: it can be neither otherwise.  The shortest are counted with numpy, so
    the learning stays near linear and fast in the corpus size.
    """
    words: dict[str, int] = {}
    ids_of: list[np.ndarray] = []
    capital_of: list[np.ndarray] = []
    for text in texts:
        found = _WORD.findall(text)
        ids_of.append(np.array([words.setdefault(w.lower(), len(words)) for w in found], dtype=np.int64))
        capital_of.append(np.array([w[0].isupper() for w in found], dtype=bool))
    spelled = list(words)
    skipped_ids = np.array([word in _SKIPPED for word in spelled] or [False], dtype=bool)
    phrases: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # per text: content positions, runs, named
    for ids, capital in zip(ids_of, capital_of, strict=True):
        content = np.flatnonzero(~skipped_ids[ids]) if len(ids) else np.zeros(0, dtype=np.int64)
        joined = np.diff(content) <= 2  # at most one skipped word between two content words
        broken = np.concatenate([[0], np.cumsum(~joined)])
        not_named = np.concatenate([[0], np.cumsum(~capital[content])])
        phrases.append((content, broken, not_named))
    best: dict[str, str] = {}
    initials = np.array([ord(word[0]) % 128 for word in spelled] or [0], dtype=np.int64)
    alive: list[np.ndarray] | None = None
    for length in range(2, LONGEST + 1):
        parts, named_parts, owners = [], [], []
        for number, (ids, (content, broken, not_named)) in enumerate(zip(ids_of, phrases, strict=True)):
            first = np.arange(max(len(content) - length + 1, 0))
            ends = first + length - 1
            ok = (broken[ends] == broken[first]) & (content[ends] - content[first] < 2 * LONGEST)
            if alive is not None:
                ok &= alive[number][: len(first)]
            rows = np.flatnonzero(ok)
            parts.append(_phrase_rows(ids, content, rows, length))
            named_parts.append((not_named[rows + length] - not_named[rows]) == 0)
            owners.append(rows)
        matrix = np.concatenate(parts) if parts else np.zeros((0, 2 * length - 1), dtype=np.int64)
        if not len(matrix):
            break
        _, first_seen, inverse, counts = np.unique(
            _row_codes(matrix, len(spelled)), return_index=True, return_inverse=True, return_counts=True
        )
        unique = matrix[first_seen]
        named = np.zeros(len(unique), dtype=bool)
        named[inverse[np.concatenate(named_parts)]] = True
        kept = (counts >= 2) | named
        # Per spelling, the most frequent phrase, a name winning a tie, the first read winning the rest.
        letters = np.zeros(len(unique), dtype=np.int64)
        for column in range(0, unique.shape[1], 2):
            letters = letters * 128 + initials[unique[:, column]]
        order = np.lexsort((first_seen, ~named, -counts, letters))
        order = order[kept[order]]
        firsts = np.concatenate([[True], letters[order][1:] != letters[order][:-1]]) if len(order) else order > 0
        winners = order[firsts]
        for position in winners.tolist():
            row = unique[position].tolist()
            spelling = "".join(spelled[i][0] for i in row[0::2])
            best[spelling] = " ".join(spelled[i] for i in row if i >= 0)
        if not kept.any():
            break
        alive, offset = [], 0
        for (content, _, _), rows in zip(phrases, owners, strict=True):
            grows = np.zeros(max(len(content), 1), dtype=bool)
            grows[rows[kept[inverse[offset : offset + len(rows)]]]] = True
            alive.append(grows)
            offset += len(rows)
    return frozenset(words), best


class Acronyms:
    """Spelled-out phrases for acronyms, learnt from a corpus's own text.

    Built from texts (``Acronyms(texts)``) at ingest and stored with the version
    (``save``/``load``), so a large corpus costs nothing here at load.
    """

    def __init__(self, texts: Iterable[str]) -> None:
        self._vocabulary, self._phrases = _learn(texts)

    @classmethod
    def load(cls, path: Path) -> Acronyms:
        data = json.loads(path.read_text(encoding="utf-8"))
        acronyms = cls.__new__(cls)
        acronyms._vocabulary = frozenset(data["vocabulary"])
        acronyms._phrases = dict(data["phrases"])
        return acronyms

    def save(self, path: Path) -> None:
        data = {"vocabulary": sorted(self._vocabulary), "phrases": self._phrases}
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    def spell(self, word: str) -> str | None:
        """The phrase ``word`` abbreviates, if it is an acronym the corpus never uses as such."""
        match = _ACRONYM.fullmatch(word)
        if match is None or match.group(1).lower() in self._vocabulary:
            return None
        return self._phrases.get(match.group(1).lower())

    def in_question(self, question: str) -> dict[str, str]:
        """Each acronym of ``question`` that the corpus spells out, with its phrase."""
        found: dict[str, str] = {}
        for match in _ACRONYM.finditer(question):
            phrase = self.spell(match.group(0))
            if phrase is not None:
                found[match.group(0)] = phrase
        return found

    def expand(self, question: str) -> str:
        """``question`` with the phrase of each of its acronyms appended, for lexical matching."""
        phrases = self.in_question(question).values()
        return " ".join([question, *phrases]) if phrases else question
