"""Acronyms a reader types are spelled out from the report's own words."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from index.acronyms import Acronyms

SKIPPED = {"of", "for", "and", "on", "in"}

REPORT = (
    "Several countries reported on their efforts to increase official development assistance. "
    "Remittances were not a substitute for official development assistance. "
    "The least developed countries met in Cotonou; the least developed countries adopted a declaration. "
    "The European Union proposed a fund. The Secretary-General appointed a Special Representative. "
    "Participants met the Global Migration Group (GMG); people displaced first were helped first."
)


def test_an_acronym_is_spelled_out_by_the_initials_of_a_phrase_the_report_repeats() -> None:
    acronyms = Acronyms([REPORT])
    assert acronyms.spell("ODA") == "official development assistance"
    assert acronyms.spell("LDCs") == "least developed countries"


def test_a_name_written_once_is_enough_and_a_hyphenated_word_gives_an_initial_per_part() -> None:
    acronyms = Acronyms([REPORT])
    assert acronyms.spell("EU") == "european union"
    assert acronyms.spell("SG") == "secretary general"


def test_a_phrase_seen_once_and_not_written_as_a_name_spells_nothing() -> None:
    assert Acronyms([REPORT]).spell("PDF") is None
    assert Acronyms([REPORT, "Again, people displaced first."]).spell("PDF") == "people displaced first"


def test_an_acronym_the_report_uses_itself_is_left_alone() -> None:
    acronyms = Acronyms([REPORT])
    assert acronyms.spell("GMG") is None
    assert acronyms.spell("Remittances") is None


def test_a_question_gets_the_phrases_of_its_acronyms_for_lexical_matching() -> None:
    acronyms = Acronyms([REPORT])
    question = "Why did countries report raising their ODA at an EU meeting?"
    assert acronyms.in_question(question) == {
        "ODA": "official development assistance",
        "EU": "european union",
    }
    assert acronyms.expand(question) == f"{question} official development assistance european union"
    assert acronyms.expand("Why do people migrate?") == "Why do people migrate?"


def every_phrase(texts: list[str]) -> dict[str, str]:
    """The rule stated plainly, phrase by phrase: what the learning must give, however it counts."""
    counts: dict[tuple[str, str], int] = {}
    named: set[tuple[str, str]] = set()
    for text in texts:
        words = re.findall(r"[A-Za-z]+", text)
        for start, word in enumerate(words):
            if word.lower() in SKIPPED:
                continue
            initials = ""
            for end in range(start, min(len(words), start + 12)):
                if words[end].lower() in SKIPPED:
                    if words[end - 1].lower() in SKIPPED:
                        break
                    continue
                initials += words[end][0].lower()
                if len(initials) > 6:
                    break
                if len(initials) >= 2:
                    span = words[start : end + 1]
                    key = (initials, " ".join(w.lower() for w in span))
                    counts[key] = counts.get(key, 0) + 1
                    if all(w[0].isupper() or w.lower() in SKIPPED for w in span):
                        named.add(key)
    best: dict[str, tuple[int, bool, str]] = {}
    for (letters, phrase), count in counts.items():
        if count >= 2 or (letters, phrase) in named:
            rank = (count, (letters, phrase) in named, phrase)
            if letters not in best or rank[:2] > best[letters][:2]:
                best[letters] = rank
    return {letters: phrase for letters, (_, _, phrase) in best.items()}


TEXT = st.lists(
    st.sampled_from(
        ["Migration", "migration", "of", "and", "Policy", "policy", "people", "Fund", "for", "in"]
    ),
    max_size=40,
).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=4))
def test_the_learnt_phrases_are_those_of_the_rule_counted_phrase_by_phrase(texts: list[str]) -> None:
    acronyms = Acronyms(texts)
    assert acronyms._phrases == every_phrase(texts)


def test_stored_acronyms_read_back_the_same(tmp_path: Path) -> None:
    acronyms = Acronyms([REPORT])
    acronyms.save(tmp_path / "acronyms.json")
    again = Acronyms.load(tmp_path / "acronyms.json")
    question = "What did ODA do for the LDC?"
    assert again.in_question(question) == acronyms.in_question(question) != {}
