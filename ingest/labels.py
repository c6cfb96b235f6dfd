"""A heading's own label: the number, letter or name a document prints before its title.

``"A. THE WAY TO THE DIALOGUE"`` is labelled ``A``, ``"3.2.1 Scope"`` ``3.2.1``,
``"0. Definitions."`` ``0``, ``"IV. Results"`` ``IV``, ``"Article 12 - Remedies"``
``Article 12``, ``"Art. 5 Scope"`` ``Art. 5``, ``"ANNEX"`` ``Annex``.  A citation names
the section by this label, so a reader can find it in the document; headings without
one get positional ids elsewhere (``ingest.outline``).  Pure functions of the heading text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["number", "letter", "roman", "named"]

# Words that introduce a label.  Annex and appendix may stand alone ("ANNEX").
_NAMED = (
    "article|chapter|section|part|appendix|annex|schedule|exhibit|book|clause|lesson|unit|volume|"
    "attachment|supplement|step|rule|art"
)
_ALONE = {"annex", "appendix"}
# A number spelled out, as Sphinx's PDFs head a chapter ("CHAPTER ONE").
_SPELLED = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen|twenty"
)
NAMED = re.compile(
    rf"^(?P<word>(?i:{_NAMED}))\b(?:(?P<dot>\.)?\s+(?P<value>\d{{1,3}}(?:\.\d{{1,3}})*|[IVXLCDM]{{1,7}}|[A-Z]"
    rf"|(?i:{_SPELLED})(?![\w-])))?\b\.?"
    r"(?:\s*[.:\u2013\u2014-]\s*|\s+|$)(?P<title>.*)$"
)
NUMBER = re.compile(r"^(?P<value>\d{1,3}(?:\.\d{1,3})*)(?:\.|\))?(?:\s+|$)(?P<title>.*)$")
LETTER_NUMBER = re.compile(r"^(?P<value>[A-Z](?:\.\d{1,3})+)\.?(?:\s+|$)(?P<title>.*)$")
ROMAN = re.compile(r"^(?P<value>[IVXLCDM]{1,7})[.:](?:\s+|$)(?P<title>.*)$")
LETTER = re.compile(r"^(?P<value>[A-Z])[.:](?:\s+|$)(?P<title>.*)$")
SECTION_SIGN = re.compile(r"^§\s*(?P<value>\d{1,3}(?:\.\d{1,3})*)\.?(?:\s+|$)(?P<title>.*)$")
_ROMAN_NUMERAL = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")


@dataclass(frozen=True)
class Label:
    """What a heading prints before its title, and which kind of numbering it is."""

    value: str
    kind: Kind

    @property
    def bare_number(self) -> bool:
        """``3`` rather than ``3.2``: a number that may be local to its parent part."""
        return self.kind == "number" and "." not in self.value


def split_label(text: str) -> tuple[Label | None, str]:
    """The heading's label (if it prints one) and its title without the label.

    A trailing full stop is dropped from the title (``"0. Definitions."`` is titled
    ``Definitions``), as is punctuation between label and title.
    """
    text = " ".join(text.split())
    label, title = _match(text)
    title = title.strip(" \t-\u2013\u2014:")
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1].rstrip()
    return label, title


def _match(text: str) -> tuple[Label | None, str]:
    if match := NAMED.match(text):
        word, value = match.group("word"), match.group("value")
        if value or (word.lower() in _ALONE and not _continues_sentence(match.group("title"))):
            name = word.capitalize() + (match.group("dot") or "")  # "Art. 5" as printed
            if value and value.lower() in _SPELLED.split("|"):
                value = value.capitalize()  # "CHAPTER ONE" is Chapter One
            return Label(f"{name} {value}" if value else name, "named"), match.group("title")
    for pattern, kind in (
        (SECTION_SIGN, "number"),
        (NUMBER, "number"),
        (LETTER_NUMBER, "letter"),
        (ROMAN, "roman"),
        (LETTER, "letter"),
    ):
        if match := pattern.match(text):
            value = match.group("value")
            if kind == "roman" and not _ROMAN_NUMERAL.match(value):
                continue
            if kind == "number" and not match.group("title") and text.rstrip(".").strip() != value:
                continue
            return Label(value, kind), match.group("title")  # type: ignore[arg-type]
    return None, text


def _continues_sentence(rest: str) -> bool:
    """``Annex 2 lists ...`` or ``Appendix shows`` is running text, not a heading."""
    first = rest.split(" ", 1)[0] if rest else ""
    return bool(first) and first[:1].islower()
