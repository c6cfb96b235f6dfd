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

import re
from collections import Counter
from collections.abc import Iterable

_WORD = re.compile(r"[A-Za-z]+")
# An acronym as typed: two to six capitals, perhaps a plural "s" ("NGOs", "MDGs").
_ACRONYM = re.compile(r"\b([A-Z]{2,6})s?\b")
# Words an acronym skips inside a phrase ("Ministry of Foreign Affairs" is MFA).
_SKIPPED = frozenset({"of", "for", "and", "on", "in"})
LONGEST = 6


class Acronyms:
    """Spelled-out phrases for acronyms, learnt from a corpus's own text."""

    def __init__(self, texts: Iterable[str]) -> None:
        counts: Counter[tuple[str, str]] = Counter()
        named: set[tuple[str, str]] = set()
        vocabulary: set[str] = set()
        for text in texts:
            words = _WORD.findall(text)
            vocabulary.update(w.lower() for w in words)
            for start, word in enumerate(words):
                if word.lower() in _SKIPPED:
                    continue
                initials: list[str] = []
                for end in range(start, min(len(words), start + 2 * LONGEST)):
                    current = words[end]
                    if current.lower() in _SKIPPED:
                        if end > start and words[end - 1].lower() in _SKIPPED:
                            break  # two skipped words in a row end a name
                        continue
                    initials.append(current[0].lower())
                    if len(initials) > LONGEST:
                        break
                    if len(initials) >= 2:
                        span = words[start : end + 1]
                        key = ("".join(initials), " ".join(w.lower() for w in span))
                        counts[key] += 1
                        if all(w[0].isupper() or w.lower() in _SKIPPED for w in span):
                            named.add(key)
        self._vocabulary = frozenset(vocabulary)
        best: dict[str, tuple[int, bool, str]] = {}
        for (letters, phrase), count in counts.items():
            is_name = (letters, phrase) in named
            if count < 2 and not is_name:
                continue
            rank = (count, is_name, phrase)
            if letters not in best or rank[:2] > best[letters][:2]:
                best[letters] = rank
        self._phrases = {letters: phrase for letters, (_, _, phrase) in best.items()}

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
