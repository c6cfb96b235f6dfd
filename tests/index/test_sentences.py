"""Sentences and records: the units an answer is quoted in."""

from __future__ import annotations

from index.sentences import is_record, sentence_spans

ANNEX_ENTRY = (
    "Helsinki Process Meeting on International Migration\n"
    "Date: 25-26 July 2006\n"
    "Venue: Mexico City, Mexico\n"
    "Organizers: Government of Mexico\n"
    "Outcome document: Report of the Helsinki Process meeting on international migration"
)


def test_an_annex_entry_is_a_record() -> None:
    assert is_record(ANNEX_ENTRY)


def test_prose_is_not_a_record_even_with_a_colon_in_it() -> None:
    prose = (
        "Participants stressed three points: remittances were private funds.\n"
        "Note: the figures were estimates.\n"
        "They called for lower transfer costs and better data on flows."
    )
    assert not is_record(prose)
    assert not is_record("Participants agreed. Remittances reduced poverty. Fees remained high.")


def test_a_heading_with_one_field_is_too_little_to_be_a_record() -> None:
    assert not is_record("Conference on Migration\nDate: 4-5 May 2006")


def test_each_line_of_a_record_is_still_a_sentence_for_scoring() -> None:
    assert len(sentence_spans(ANNEX_ENTRY)) == 5
