"""Acronyms a reader types are spelled out from the report's own words."""

from __future__ import annotations

from index.acronyms import Acronyms

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
