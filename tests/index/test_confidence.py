"""The readable signals behind confidence, and the reason given when the report does not answer."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from index.confidence import (
    THRESHOLD,
    asked_for,
    bunching,
    counts_in,
    evidence,
    probability,
    reason,
    topic_match,
)

PASSAGE = (
    "In January 2006, the Secretary-General appointed Mr. Peter Sutherland as his Special Representative."
)
SECTION = f"{PASSAGE}\nHe reported to the Dialogue in New York."


def signals(question: str, *, answer: str = PASSAGE, passage: str = PASSAGE, dense: float = 0.5):
    return evidence(
        question,
        passage_scores=[dense, dense - 0.05, dense - 0.1, 0.1],
        answer_text=answer,
        passage_text=passage,
        section_text=SECTION,
        knows=lambda word: word.lower() not in {"fifa", "2013"},
    )


def test_what_a_question_asks_for() -> None:
    assert asked_for("When was the Forum held?")[0] == "a date"
    assert asked_for("How many Governments made statements?")[0] == "a figure"
    assert asked_for("Who painted the Mona Lisa?")[0] == "a name"
    assert asked_for("Why do people migrate?") == (None, None)


def test_a_maximum_number_or_a_total_asks_for_a_figure_and_a_release_for_a_version() -> None:
    assert asked_for("What's the maximum number of file names on one command line?")[0] == "a figure"
    assert asked_for("What was the total value of remittances in 2000?")[0] == "a figure"
    # A version is specific, but "any version you like" answers "which version applies?": nothing to check.
    assert asked_for("Which valgrind release first shipped cg_diff?") == ("a version", None)
    assert asked_for("What is the role of the Forum?") == (None, None)


def test_a_when_that_sets_a_condition_asks_for_no_date() -> None:
    assert asked_for("When did the General Assembly hold its hearings?")[0] == "a date"
    assert asked_for("Who took office, and when?")[0] == "a date"
    assert asked_for("When do short-term migration schemes work well?") == (None, None)
    assert asked_for("How are migrants protected when they are hired?") == (None, None)
    assert asked_for("Who should governments partner with?") == (None, None)


def test_topic_match_is_the_mean_of_the_best_three_passages() -> None:
    assert abs(topic_match([0.2, 0.9, 0.6, 0.3]) - 0.6) < 1e-9
    assert topic_match([0.5]) == 0.5
    assert topic_match([]) == 0.0


def test_the_question_own_figures_are_not_an_answer() -> None:
    found = signals("How many migrants were there in 2006?", answer="Migration rose in 2006.")
    assert found.type_found == 0.0 and found.asked_for == "a figure"
    assert signals("When was Peter Sutherland appointed?").type_found == 1.0


def test_names_missing_from_the_best_passage_section_are_counted() -> None:
    assert signals("What did Peter Sutherland do?").names_absent == 0.0
    assert signals("What did Peter Sutherland tell the Dialogue in New York?").names_absent == 0.0
    assert signals("Who won the 2013 FIFA World Cup?").names_absent == 4.0


def test_a_year_the_report_never_mentions_is_flagged_and_lowers_confidence() -> None:
    later = signals("What did the Dialogue in New York decide in 2013?")
    same = signals("What did the Dialogue in New York decide in 2006?")
    assert (later.year_unknown, same.year_unknown) == (1.0, 0.0)
    assert probability(later) < probability(replace(later, year_unknown=0.0)) / 2
    text = reason(later, probability(later), where="section A.4, page 2")
    assert text.startswith("The question is about a year the report never mentions (confidence ")
    assert "It never mentions '2013'." in text


def test_confidence_falls_as_the_match_weakens() -> None:
    strong = probability(signals("What was Peter Sutherland appointed as?", dense=0.75))
    weak = probability(signals("What was Peter Sutherland appointed as?", dense=0.1))
    assert 0.0 < weak < THRESHOLD < strong < 1.0


def test_the_reason_names_what_the_report_never_mentions() -> None:
    facts = signals("Who won the 2013 FIFA World Cup?", dense=0.1)
    text = reason(facts, probability(facts), where="section A.4, page 2")
    assert "It never mentions '2013', 'FIFA'." in text
    assert text.endswith("The closest passage is section A.4, page 2.")


def test_over_several_documents_the_reason_speaks_of_them_not_of_the_report() -> None:
    facts = signals("Who won the 2013 FIFA World Cup?", dense=0.1)
    text = reason(facts, probability(facts), where="section 4 of Field guide", several=True)
    assert "report" not in text
    assert "They never mention '2013', 'FIFA'." in text


def test_which_country_is_unanswered_by_a_passage_that_names_none() -> None:
    vague = "Some countries held biennial conferences for their citizens abroad."
    named = "The Government of Belgium offered to host the first meeting of the Forum in 2007."
    question = "Which country holds biennial conferences for its citizens abroad?"
    missing = signals(question, answer=vague, passage=vague)
    assert missing.kind_missing == 1.0
    assert signals("Which country offered to host the Forum?", passage=named).kind_missing == 0.0
    assert signals("Why do countries hold conferences?", passage=vague).kind_missing == 0.0
    assert probability(missing) < probability(replace(missing, kind_missing=0.0)) / 2
    assert "The question asks for a country, and the closest passage gives none." in reason(
        missing, probability(missing), where="section B.5, page 6"
    )


def test_a_country_the_question_names_itself_is_no_answer() -> None:
    passage = "The Commission was launched by the Governments of Sweden and Switzerland."
    besides = signals("Which governments besides Sweden and Switzerland financed it?", passage=passage)
    launched = signals("Which two governments launched the Commission?", passage=passage)
    assert (besides.kind_missing, launched.kind_missing) == (1.0, 0.0)


def test_a_count_is_no_year_no_day_of_a_date_and_no_part_of_a_symbol() -> None:
    held = "The Dialogue was held from 14 to 15 September 2006 (A/C.2/61/L.12; resolution 58/209)."
    assert counts_in(held, "How many countries voted?") == []
    said = "In 2001, 47 Governments were in favour; about half of all migrants were female; $US 232 billion."
    assert counts_in(said, "How many Governments?") == ["47", "half", "232", "billion"]
    assert counts_in("Item 55(b) was taken up by 127 Governments.", "What was item 55(b)?") == ["127"]


def test_one_before_a_noun_is_a_count_but_one_of_them_is_not() -> None:
    used = "Client sockets are normally only used for one exchange (or a small set of exchanges)."
    assert counts_in(used, "How many exchanges is a client socket used for?") == ["one"]
    said = "One of the participants said that one or more States, on the one hand, help one another."
    assert counts_in(said, "How many States?") == []


def test_a_figure_question_is_unanswered_by_a_passage_with_only_dates_and_symbols() -> None:
    dated = "In 2003 the Second Committee decided, in resolution 58/209, to hold a Dialogue in 2006."
    vote = signals("How many countries voted for resolution 58/209?", answer=dated, passage=dated)
    counted = signals("How many Governments made statements?", answer="127 Governments made statements.")
    assert (vote.kind_missing, counted.kind_missing) == (1.0, 0.0)
    assert signals("Why was resolution 58/209 adopted?", answer=dated).kind_missing == 0.0
    assert probability(vote) < probability(replace(vote, kind_missing=0.0))
    said = reason(vote, probability(vote), where="section A.1, page 2")
    assert said.startswith("The report takes up the topic but not the detail asked for")
    assert "The question asks for a figure, and the closest passage gives none." in said


def test_an_office_holder_is_unanswered_by_a_passage_that_names_no_one() -> None:
    nobody = "The round tables were chaired by high-level representatives of Member States."
    chaired = signals("Who chaired the round tables?", answer=nobody, passage=nobody)
    named = signals("Who was named the Special Representative?")  # PASSAGE names Mr. Peter Sutherland
    organised = signals("Who organized the round tables?", answer=nobody, passage=nobody)
    assert (chaired.kind_missing, named.kind_missing, organised.kind_missing) == (1.0, 0.0, 0.0)
    assert chaired.asked_for == "a name"
    assert probability(chaired) < probability(replace(chaired, kind_missing=0.0)) / 2


def test_an_acronym_for_a_name_the_section_spells_out_is_no_absent_name() -> None:
    question = "Did NGOs meet the Special Representative at the UN?"
    section = f"{SECTION}\nNon-governmental organizations met him at the United Nations."

    def signals_for(spelled: dict[str, str]):
        return evidence(
            question,
            passage_scores=[0.6],
            answer_text=PASSAGE,
            passage_text=PASSAGE,
            section_text=section,
            knows=lambda word: word not in {"NGOs", "UN"},
            spelled=spelled,
        )

    plain = signals_for({})
    spelled = signals_for({"NGOs": "non governmental organizations", "UN": "united nations"})
    assert plain.names_absent == spelled.names_absent + 2
    assert set(plain.unknown) == {"NGOs", "UN"} and spelled.unknown == ()


def test_a_possessive_name_is_the_name() -> None:
    assert signals("What did the Special Representative's report say?").names_absent == 0.0
    assert signals("What did the Special Representative report?").names_absent == 0.0
    assert signals("What did Mexico's report say?").names_absent == 1.0


def test_bunching_is_the_mean_cosine_between_two_different_passages() -> None:
    rows = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]])
    pairs = [rows[i] @ rows[j] for i in range(3) for j in range(3) if i != j]
    assert abs(bunching(rows) - float(np.mean(pairs))) < 1e-9
    # One passage has no spread to measure: as bunched as can be, so the document model decides.
    assert bunching(rows[:1]) == 1.0


def test_on_a_bunched_document_the_word_match_decides() -> None:
    question = "What is the maximum number of retries the client makes?"
    base = signals(question, dense=0.55)
    spread = [probability(replace(base, word_match=w, bunching=0.07)) for w in (0.4, 0.9)]
    bunched = [probability(replace(base, word_match=w, bunching=0.4)) for w in (0.4, 0.9)]
    # The report's passages are spread apart: the report model decides, the word match is not read.
    assert spread[0] == spread[1] == probability(base)
    # A bunched document's passages are all close to an on-topic question: the word match decides.
    assert bunched[0] < THRESHOLD < bunched[1]
    # An index without token vectors has no word match: the report model decides there too.
    assert probability(replace(base, bunching=0.4)) == probability(base)
    halfway = probability(replace(base, word_match=0.4, bunching=0.17))
    assert bunched[0] < halfway < spread[0]


def test_the_pronoun_i_is_no_name_for_the_document_model() -> None:
    found = signals("How do I ask Peter Sutherland about Mexico?")
    assert (found.names_absent, found.proper_names_absent) == (2.0, 1.0)


def test_on_a_bunched_document_a_question_for_a_date_figure_or_name_needs_a_closer_match() -> None:
    """Unanswerable questions ask for specifics two to four times as often, in every set we have."""
    how = replace(signals("How does the client retry?"), word_match=0.62, bunching=0.4)
    when = replace(how, asks_specific=1.0)
    assert probability(when) < probability(how)
    assert probability(replace(when, word_match=0.8)) > THRESHOLD


def test_on_a_bunched_document_a_term_the_document_never_uses_lowers_confidence() -> None:
    """ "How do I set up pyenv in tcsh?" of a README that never names tcsh: the other words match well."""
    question = "How do I set up pyenv in tcsh?"
    named = evidence(
        question,
        passage_scores=[0.6, 0.55],
        answer_text="Set up your shell for pyenv.",
        passage_text="Set up your shell for pyenv.",
        section_text="Set up your shell for pyenv.",
        knows=lambda word: True,
        word_match=0.5,
        bunching=0.4,
        terms=["tcsh"],
    )
    assert (named.terms_absent, named.absent) == (1.0, ("tcsh",))
    assert probability(named) < THRESHOLD < probability(replace(named, terms_absent=0.0, absent=()))


def test_the_reason_names_the_terms_the_closest_document_never_uses() -> None:
    found = replace(signals("How do I set up pyenv in tcsh?"), terms_absent=1.0, absent=("tcsh",))
    assert "It never uses 'tcsh'." in reason(found, 0.2, where="section 2")
    text = reason(found, 0.2, where="section 2", several=True)
    assert "The closest passage's document never uses 'tcsh'." in text
    assert "never uses" not in reason(signals("How do I set up pyenv in bash?"), 0.2, where="section 2")
