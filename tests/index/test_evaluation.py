"""The scorer follows the evaluation README to the letter."""

from __future__ import annotations

import json
from pathlib import Path

from index.eval_run import source_pages
from index.evaluation import (
    Outcome,
    Question,
    Retrieved,
    auroc,
    is_hit,
    load_questions,
    normalise,
    pages_finder,
    raw_page_count,
    score,
)
from index.models import SourceInfo
from ingest.blocks import Heading, Paragraph
from tests.pdf_writer import write_pdf


def test_normalise_joins_line_break_hyphens_and_folds_everything_else() -> None:
    assert normalise("Co-\ndevelopment, and  “Mode 4”!") == "co development and mode 4"


def test_a_hit_is_a_substring_or_most_of_the_trigrams() -> None:
    quote = "remittances provided stable incomes for their families"
    assert is_hit("Their remittances provided stable incomes for their families and more.", [quote])
    assert is_hit("remittances provided stable incomes for their kin", [quote])  # 4 of 5 trigrams
    assert not is_hit("remittances were large", [quote])


def test_auroc_is_the_chance_an_answerable_question_outscores_an_unanswerable_one() -> None:
    assert auroc([0.9, 0.8], [0.1]) == 1.0
    assert auroc([0.5], [0.5]) == 0.5
    assert auroc([0.1], [0.9]) == 0.0


def test_score_counts_ranks_chars_and_citations() -> None:
    questions = [
        Question("q1", "about remittances", ["remittances provided stable incomes"], "B.1", "fact"),
        Question("q2", "about football", [], "none", "unanswerable"),
    ]
    answers = {
        "about remittances": Outcome(
            [
                Retrieved("nothing here", "B.2", 3, 3),
                Retrieved("Remittances provided stable incomes.", "B.1", 4, 4),
            ],
            confidence=0.9,
            answerable=True,
            answer_text="Remittances provided stable incomes.",
        ),
        "about football": Outcome([Retrieved("x" * 10, "C", 9, 9)], confidence=0.2, answerable=False),
    }
    report = score(questions, answers.__getitem__, evidence_pages=lambda quote: {4})
    overall = report.overall
    assert (overall["hit@1"], overall["hit@3"], overall["mrr@10"]) == (0.0, 1.0, 0.5)
    assert overall["citation_accuracy"] == 1.0 and overall["auroc"] == 1.0
    assert overall["abstention_accuracy"] == 1.0 and overall["answer_accuracy"] == 1.0
    assert overall["chars@5"] == (24 + 10) / 2


LICENCE_QUOTE = "each licensee is addressed as you"


def licence_question(**overrides: object) -> Question:
    fields: dict[str, object] = {
        "id": "g1",
        "question": "who is you in the licence?",
        "evidence": [LICENCE_QUOTE],
        "section": "0",
        "kind": "fact",
        "document": "gpl-3.0",
    }
    fields.update(overrides)
    return Question(**fields)  # type: ignore[arg-type]


def first_hit(
    question: Question, results: list[Retrieved], **options: object
) -> tuple[int | None, bool | None]:
    outcome = Outcome(results, confidence=0.5)
    scored = score([question], lambda _: outcome, **options).questions[0]  # type: ignore[arg-type]
    return scored.first_hit, scored.citation_ok


def test_load_questions_reads_the_optional_document(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    records = [
        {
            "id": "a",
            "question": "q?",
            "evidence": ["x"],
            "section": "0",
            "kind": "fact",
            "document": "gpl-3.0",
        },
        {"id": "b", "question": "r?", "evidence": [], "section": "none", "kind": "unanswerable"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert [q.document for q in load_questions(path)] == ["gpl-3.0", None]


def test_a_passage_of_another_document_that_holds_the_quote_is_not_a_hit() -> None:
    text = "Each licensee is addressed as you."
    results = [
        Retrieved(text, "1", None, None, document="other-licence"),
        Retrieved(text, "0", None, None, document="gpl-3.0"),
    ]
    assert first_hit(licence_question(), results)[0] == 2
    assert first_hit(licence_question(document=None), results)[0] == 1  # no document named: any counts


def test_a_citation_names_the_document_and_its_printed_label() -> None:
    text = "Each licensee is addressed as you."
    pageless = {"gpl-3.0": None}
    assert first_hit(
        licence_question(), [Retrieved(text, "0", None, None, document="gpl-3.0")], document_pages=pageless
    ) == (1, True)
    assert first_hit(
        licence_question(), [Retrieved(text, "1.1", None, None, document="gpl-3.0")], document_pages=pageless
    ) == (1, False)
    article = licence_question(section="Article 12")
    assert first_hit(
        article, [Retrieved(text, "Article 12", None, None, document="gpl-3.0")], document_pages=pageless
    ) == (1, True)


def test_a_heading_printed_without_a_label_is_cited_by_its_text() -> None:
    text = "Each licensee is addressed as you."
    gold = licence_question(section="Update `NODE_MODULE_VERSION`")
    positional = Retrieved(text, "4.2", None, None, document="gpl-3.0", title="Update NODE_MODULE_VERSION")
    elsewhere = Retrieved(text, "4.3", None, None, document="gpl-3.0", title="Release the build")
    assert first_hit(gold, [positional]) == (1, True)
    assert first_hit(gold, [elsewhere]) == (1, False)


def test_a_source_without_pages_is_cited_right_only_with_page_none() -> None:
    text = "Each licensee is addressed as you."
    pageless = {"gpl-3.0": None}
    with_page = Retrieved(text, "0", 1, 1, document="gpl-3.0")
    without = Retrieved(text, "0", None, None, document="gpl-3.0")
    assert first_hit(licence_question(), [with_page], document_pages=pageless) == (1, False)
    assert first_hit(licence_question(), [without], document_pages=pageless) == (1, True)


def test_a_paged_source_is_cited_right_when_the_cited_pages_hold_the_evidence() -> None:
    text = "Each licensee is addressed as you."
    paged = {"gpl-3.0": lambda quote: {3}}
    assert first_hit(
        licence_question(), [Retrieved(text, "0", 2, 3, document="gpl-3.0")], document_pages=paged
    ) == (1, True)
    assert first_hit(
        licence_question(), [Retrieved(text, "0", 4, 4, document="gpl-3.0")], document_pages=paged
    ) == (1, False)
    assert first_hit(
        licence_question(), [Retrieved(text, "0", None, None, document="gpl-3.0")], document_pages=paged
    ) == (1, False)


def test_a_result_that_cites_no_section_counts_for_hits_but_not_for_citations() -> None:
    text = "Each licensee is addressed as you."
    assert first_hit(licence_question(), [Retrieved(text, None, None, None, document="gpl-3.0")]) == (1, None)
    report = score(
        [licence_question()], lambda _: Outcome([Retrieved(text, None, None, None, document="gpl-3.0")], 1.0)
    )
    assert report.overall["hit@1"] == 1.0 and report.overall["citation_accuracy"] is None


def test_questions_about_several_documents_get_a_row_each() -> None:
    questions = [
        licence_question(id="g1"),
        licence_question(id="h1", document="chapters", evidence=["a chapter sentence"], section="Chapter 3"),
    ]
    results = {"g": [Retrieved("Each licensee is addressed as you.", "0", None, None, document="gpl-3.0")]}
    report = score(questions, lambda _: Outcome(results["g"], 0.5))
    assert set(report.by_document) == {"gpl-3.0", "chapters"}
    assert report.by_document["gpl-3.0"]["hit@1"] == 1.0
    assert report.by_document["chapters"]["hit@1"] == 0.0
    one = score(questions[:1], lambda _: Outcome(results["g"], 0.5))
    assert one.by_document == {}


def test_pages_finder_finds_a_quote_across_a_page_break_and_a_line_end_hyphen() -> None:
    pages = [
        (1, "Front matter.\nThe Secretary-General proposes a forum on migra-\ntion and development"),
        (2, "Report A/60/871 page 2\nthat would meet every year.\nAnother paragraph."),
    ]
    find = pages_finder(pages)
    assert find("a forum on migration and development") == {1}
    assert find("another paragraph") == {2}
    # Cut by a running header between the pages: found by its two halves.
    assert find(
        "the Secretary-General proposes a forum on migration and development that would meet every year"
    ) == {1, 2}
    assert find("nowhere in these pages at all") == set()


def test_raw_page_count_sees_form_feeds_or_the_reports_page_starts_or_none() -> None:
    assert raw_page_count("Title\n\nBody text.\nMore body.\n") == 1
    assert raw_page_count("Title\n\fPage two.\n\fPage three.\n") == 3
    body = "Body.\n" * 9
    assert raw_page_count(f"Title\n{body} Page two starts here.\n{body} Page three.\n") == 3
    notice = "Title\n\n Copyright the authors.\n All rights reserved.\n\nBody.\n"
    assert raw_page_count(notice) == 1  # an indented run is not a page per line
    numerals = f"Title\n{body} ii. Waive rights.\n{body[:10]} iv. Keep notices.\n"
    assert raw_page_count(numerals) == 1  # right-aligned numerals a few lines apart are no pages


def source(path: Path, fmt: str) -> SourceInfo:
    return SourceInfo(document=path.stem, path=str(path), sha256="0" * 64, format=fmt)


def test_markdown_html_and_text_without_page_breaks_have_no_pages(tmp_path: Path) -> None:
    flat = tmp_path / "licence.txt"
    flat.write_text("0. Definitions.\n\nYou means each licensee.\n", encoding="utf-8")
    paged = tmp_path / "report.txt"
    more = "More.\n" * 9
    paged.write_text(f"Title\n\nOne.\n Two begins here.\n{more} Three.\n", encoding="utf-8")
    assert source_pages(source(tmp_path / "guide.md", "md")) == (True, None)
    assert source_pages(source(tmp_path / "page.html", "html")) == (True, None)
    assert source_pages(source(flat, "txt")) == (True, None)
    known, finder = source_pages(source(paged, "txt"))
    assert known and finder is not None and finder("Three.") == {3}
    assert source_pages(source(tmp_path / "gone.txt", "txt")) == (False, None)  # only sections checked


def test_a_pdfs_pages_are_its_page_labels_with_headers_and_hyphens_read_through(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    long = "The Secretary-General proposes a global forum on international migration and development " * 3
    write_pdf(
        pdf,
        [
            [Heading(1, "A. The forum"), Paragraph(long + "that would meet every year.")],
            [Paragraph("It would be led by States and voluntary.")],
        ],
        header="A/60/871",
        first_page=5,
    )
    known, finder = source_pages(source(pdf, "pdf"))
    assert known and finder is not None
    assert finder("international migration and development that would meet every year") == {5}
    assert finder("It would be led by States and voluntary") == {6}


def test_a_heading_written_whole_is_its_label_and_title_together() -> None:
    text = "Each licensee is addressed as you."
    gold = licence_question(section="Step 1: Fork")
    cited = Retrieved(text, "Step 1", None, None, document="gpl-3.0", title="Fork")
    other = Retrieved(text, "Step 2", None, None, document="gpl-3.0", title="Fork")
    assert first_hit(gold, [cited]) == (1, True)
    assert first_hit(gold, [other]) == (1, False)


def test_a_label_printed_in_capitals_is_the_same_label() -> None:
    text = "Each licensee is addressed as you."
    gold = licence_question(section="APPENDIX")
    cited = Retrieved(text, "Appendix", None, None, document="gpl-3.0", title="How to apply")
    other = Retrieved(text, "9", None, None, document="gpl-3.0", title="Accepting Warranty")
    assert first_hit(gold, [cited]) == (1, True)
    assert first_hit(gold, [other]) == (1, False)
