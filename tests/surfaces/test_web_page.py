"""The web page at ``/``, end to end in headless Chromium (Debian's package) driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from surfaces.live import LiveServer, Tops, serve

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing; `make test` installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request", lambda request: outside.append(request.url) if "127.0.0.1" not in request.url else None
    )
    yield page
    context.close()
    assert outside == [], f"the page fetched outside resources: {outside}"


def ask_by_keyboard(page: Page, question: str) -> None:
    """Focus the question box through its label, type, press Enter: no mouse."""
    page.get_by_label("Your question").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(question)
    page.keyboard.press("Enter")


def test_asking_shows_the_cited_answer_the_other_passages_and_the_index(
    page: Page, small_server: LiveServer
) -> None:
    page.goto(small_server.url)
    expect(page.locator("#toc-list li")).to_have_count(3)
    expect(page.locator("#index-version")).to_have_text("20250101T000000Z-test")

    ask_by_keyboard(page, "Do remittances reduce poverty?")
    best = page.locator("#best")
    expect(best.locator(".text")).to_have_text(
        "Remittances sent home by migrants reduce poverty in origin countries."
    )
    reference = small_server.ask("Do remittances reduce poverty?")
    top = reference["passages"][0]  # type: ignore[index]
    expect(best).to_have_attribute("data-passage-id", top["id"])
    expect(best.locator(".cite")).to_have_text(
        "test-report, section A.1 “Remittances as a tool of development”, page 3"
    )
    expect(page.locator("#other-list li")).to_have_count(4)
    expect(page.locator("#status")).to_have_text("Answer found.")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-page.png"), full_page=True)


def test_the_table_of_contents_scopes_a_question(page: Page, small_server: LiveServer) -> None:
    page.goto(small_server.url)
    page.get_by_role("button", name="B.1 Data on international migration (page 7)").click()
    expect(page.get_by_label("Only in section")).to_have_value("B.1")
    ask_by_keyboard(page, "remittances")
    expect(page.locator("#status")).not_to_have_text("Searching the report…")
    cites = page.locator("#answer .cite, #others .cite")
    expect(cites.first).to_be_visible()
    assert cites.count() >= 1
    for text in cites.all_inner_texts():
        assert "section B.1" in text


@pytest.mark.e2e  # needs the real tuned build
def test_the_answer_sentence_is_highlighted_and_no_answer_is_said_plainly(
    page: Page, real_server: LiveServer
) -> None:
    question = "What did participants say about GATS Mode 4?"
    expected = real_server.ask(question)
    page.goto(real_server.url)
    ask_by_keyboard(page, question)
    expect(page.locator("#best mark")).to_have_text(expected["answer"]["text"])
    unanswerable = "Who won the 2006 FIFA World Cup?"
    closest = real_server.ask(unanswerable)
    assert closest["answerable"] is False
    assert closest["verdict"] == "The report does not appear to answer this."
    ask_by_keyboard(page, unanswerable)
    no_answer = f"{closest['verdict']} {closest['reason']}"
    expect(page.locator("#no-answer")).to_have_text(no_answer)
    expect(page.locator("#others-heading")).to_have_text("Closest passages (they do not answer it)")
    expect(page.locator("#other-list > li").first).to_have_attribute(
        "data-passage-id", closest["passages"][0]["id"]
    )


def test_errors_say_what_to_do(page: Page, tmp_path: Path) -> None:
    for server in serve(tmp_path / "no-index"):
        page.goto(server.url)
        expect(page.locator("#error")).to_contain_text("run: reportqa ingest")
        ask_by_keyboard(page, "   ")
        expect(page.locator("#error")).to_have_text("Type a question about the report first.")
        ask_by_keyboard(page, "Do remittances reduce poverty?")
        expect(page.locator("#error")).to_contain_text(
            "run: reportqa ingest (the service loads the new index by itself)"
        )
        expect(page.get_by_role("button", name="Ask")).to_be_enabled()


@pytest.mark.e2e  # needs the real tuned build
def test_the_page_agrees_with_ask_on_the_real_report(
    page: Page, real_server: LiveServer, real_tops: Tops
) -> None:
    page.goto(real_server.url)
    for question, (passage_id, citation) in real_tops.items():
        page.evaluate("document.getElementById('best').removeAttribute('data-passage-id')")
        ask_by_keyboard(page, question)
        # Answered: the top passage is the answer; not answered: it heads the closest passages.
        top = "#best" if real_server.ask(question)["answerable"] else "#other-list > li:first-child"
        expect(page.locator(top)).to_have_attribute("data-passage-id", passage_id, timeout=10_000)
        expect(page.locator(top).locator(".cite")).to_contain_text(
            f"section {citation['section']} “{citation['title']}”"
        )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-page-real.png"), full_page=True)
