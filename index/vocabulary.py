"""Terms a question names that its document never does: "tcsh" asked of a README without it.

A question about "conda" or "KCachegrind" put to a manual that never names them is
unanswerable however well its other words match, and on a document whose passages all sit
close to the question the cosines cannot tell (``index/confidence.py``).  A term counts when
it is **rare**, no form of it a whole word of the embedding model's vocabulary ("tcsh",
"xattrs"; not "downloading", whose "download" is one), and **absent**: the document holds
neither the word, its stem, a longer word it begins ("config" in "configuration") nor, for a
compound ("commit-queue"), every part of it.  Everyday words are left out because a
paraphrase uses them freely.  Measured: docs/decisions.md ("A term the document never names").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from index.lexical import stem

TERM = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*[A-Za-z0-9]|[A-Za-z]")
_PARTS = re.compile(r"[_+\-]+")
_SHORTEST_PREFIX = 4
# Words that point into the document itself ("the footnote on remittances"), not at its topic.
_STRUCTURE = frozenset(
    "footnote footnotes endnote endnotes annex annexes appendix appendices subsection subsections"
    " paragraph paragraphs chapter chapters section sections heading headings".split()
)


def _forms(word: str) -> set[str]:
    """The word and the stems a plural, past or gerund leaves: "binaries" -> "binary", "using" -> "use"."""
    cut = [word[:-1], word[:-2], word[:-3]]
    return {word, stem(word), *cut, word[:-3] + "y", word[:-3] + "e", word[:-2] + "e"}


def is_common(word: str, common: frozenset[str]) -> bool:
    """Whether ``word`` (lower-case) or one of its inflections is a whole word the model knows."""
    return any(len(form) >= 3 and form in common for form in _forms(word)) or word in common


@dataclass(frozen=True)
class DocumentWords:
    """The words of one document, lower-cased, with their stems and the parts of compounds."""

    words: frozenset[str]
    ordered: tuple[str, ...]
    """``words`` sorted, so a prefix is found by bisection."""

    @classmethod
    def of(cls, texts: Iterable[str]) -> DocumentWords:
        seen: set[str] = set()
        for text in texts:
            seen.update(TERM.findall(text.lower()))
        words = set(seen)
        for word in seen:
            parts = [part for part in _PARTS.split(word) if part]
            words.update(parts)
        words.update([stem(word) for word in list(words)])
        return cls(frozenset(words), tuple(sorted(words)))

    def has(self, word: str) -> bool:
        """Whether the document holds ``word`` (lower-case), its stem, or a longer word it begins."""
        if word in self.words or stem(word) in self.words:
            return True
        if len(word) >= _SHORTEST_PREFIX:
            at = bisect.bisect_left(self.ordered, word)
            if at < len(self.ordered) and self.ordered[at].startswith(word):
                return True
        parts = [part for part in _PARTS.split(word) if part]
        return len(parts) > 1 and all(part in self.words or stem(part) in self.words for part in parts)


def absent_terms(
    question: str, document: DocumentWords, common: frozenset[str], spelled: Collection[str] = ()
) -> list[str]:
    """The rare terms of ``question`` that ``document`` never uses, as the question writes them.

    A compound counts by its parts: "back-and-forth" is everyday words, "SO_REUSEADDR" is not.
    An acronym the documents spell out (``spelled``, "ODA") and a word that names a part of a
    document ("footnote") are never absent.
    """
    terms = []
    for term in TERM.findall(question):
        word = term.lower()
        if len(word) < 2 or term in spelled or word in _STRUCTURE or document.has(word):
            continue
        parts = [part for part in _PARTS.split(word) if len(part) >= 2] or [word]
        if all(is_common(part, common) or document.has(part) for part in parts):
            continue
        terms.append(term)
    return list(dict.fromkeys(terms))
