"""Passages from a section's body: a paragraph each, and a list kept with the sentence that opens it."""

from __future__ import annotations

from ingest.chunking import FRAGMENT_MIN_SIZE, MIN_SIZE, chunk_section, floor_for

INTRO = (
    "You may place library facilities that are a work based on the Library side-by-side in a single "
    "library together with other library facilities, provided that you do these two things:"
)
ITEMS = [
    "a) Accompany the combined library with a copy of the same work based on the Library, uncombined "
    "with any other library facilities. This must be distributed under the terms of the Sections above.",
    "b) Give prominent notice with the combined library of the fact that part of it is a work based "
    "on the Library, and explaining where to find the accompanying uncombined form of the same work.",
]
AFTER = (
    "You may not copy, modify, sublicense, link with, or distribute the Library except as expressly "
    "provided under this License, and any attempt otherwise is void."
)


def passages(paragraphs: list[str], chunk_size: int = 1000) -> list[str]:
    text = "\n\n".join(paragraphs)
    return [text[s.start : s.end] for s in chunk_section(text, 0, len(text), chunk_size=chunk_size)]


def test_a_paragraph_ending_with_a_colon_keeps_the_list_items_that_follow_it() -> None:
    assert passages([INTRO, *ITEMS, AFTER]) == ["\n\n".join([INTRO, *ITEMS]), AFTER]


def test_items_that_do_not_fit_start_a_passage_of_their_own() -> None:
    assert passages([INTRO, *ITEMS], chunk_size=400) == ["\n\n".join([INTRO, ITEMS[0]]), ITEMS[1]]


def test_items_after_a_paragraph_that_ends_a_sentence_stand_alone() -> None:
    assert passages([AFTER, *ITEMS]) == [AFTER, *ITEMS]


def test_a_label_over_a_paragraph_is_read_with_it_not_with_the_paragraph_before() -> None:
    """Sphinx sets "Note" and "Warning" as paragraphs of their own; "And on Windows:" opens a command."""
    assert passages([AFTER, "Warning", INTRO]) == [AFTER, f"Warning\n\n{INTRO}"]
    assert passages([AFTER, "And on Windows:", "vcbuild test"]) == [AFTER, "And on Windows:\n\nvcbuild test"]


def test_a_short_line_that_is_no_label_still_joins_the_paragraph_before() -> None:
    assert passages([AFTER, "Tests within the test directory", INTRO]) == [
        f"{AFTER}\n\nTests within the test directory",
        INTRO,
    ]


def test_a_document_written_in_fragments_joins_them_into_longer_passages() -> None:
    """An option's two lines say too little alone; a report's rare short paragraph stays its own."""
    assert floor_for([550, 600, 480, 700, 160, 520, 610, 590]) == MIN_SIZE
    assert floor_for([90, 120, 400, 80, 200, 300]) == FRAGMENT_MIN_SIZE
    options = [
        f"--option-{n}=WHEN Does thing number {n} to each file it is given, as often as WHEN says; "
        "never when WHEN is 'never', once a file when it is 'once', and always otherwise (the default)."
        for n in range(4)
    ]
    text = "\n\n".join(options)
    assert len(chunk_section(text, 0, len(text))) == 4  # each over 150 characters
    joined = chunk_section(text, 0, len(text), min_size=floor_for([len(option) for option in options]))
    assert [text[s.start : s.end] for s in joined] == [text]  # each under 225: joined while they fit
