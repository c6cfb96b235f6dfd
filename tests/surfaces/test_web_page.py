"""The web page at ``/``, end to end in headless Chromium (Debian's package) driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
    expect(page.locator("#best .cite")).to_contain_text("section B.1")
    expect(page.locator("#other-list .cite")).to_have_text([page.locator("#best .cite").inner_text()] * 1)


def test_the_answer_sentence_is_highlighted_and_no_answer_is_said_plainly(
    page: Page, small_server: LiveServer
) -> None:
    """The fields /ask is gaining (highlight, answerable, reason), rendered from a recorded response."""
    payload: dict[str, Any] = small_server.ask("Do remittances reduce poverty?", top_k=2)
    text = payload["passages"][0]["text"]
    payload["passages"][0]["highlight"] = {"start": 0, "end": text.index(" reduce")}
    unanswerable = {**payload, "answerable": False, "reason": "Nothing in the report is about 2018."}
    replies = iter([payload, unanswerable])
    page.route("**/ask", lambda route: route.fulfill(json=next(replies)))
    page.goto(small_server.url)
    ask_by_keyboard(page, "Do remittances reduce poverty?")
    expect(page.locator("#best mark")).to_have_text("Remittances sent home by migrants")
    ask_by_keyboard(page, "What happened in 2018?")
    expect(page.locator("#no-answer")).to_have_text(
        "The report does not answer this question. Nothing in the report is about 2018."
    )
    expect(page.locator("#others")).to_be_hidden()


def test_errors_say_what_to_do(page: Page, tmp_path: Path) -> None:
    for server in serve(tmp_path / "no-index"):
        page.goto(server.url)
        expect(page.locator("#error")).to_contain_text("run: reportqa ingest")
        ask_by_keyboard(page, "   ")
        expect(page.locator("#error")).to_have_text("Type a question about the report first.")
        ask_by_keyboard(page, "Do remittances reduce poverty?")
        expect(page.locator("#error")).to_contain_text("reportqa ingest, then restart the service")
        expect(page.get_by_role("button", name="Ask")).to_be_enabled()


def test_the_page_agrees_with_ask_on_the_real_report(
    page: Page, real_server: LiveServer, real_tops: Tops
) -> None:
    page.goto(real_server.url)
    for question, (passage_id, citation) in real_tops.items():
        page.evaluate("document.getElementById('best').removeAttribute('data-passage-id')")
        ask_by_keyboard(page, question)
        best = page.locator("#best")
        expect(best).to_have_attribute("data-passage-id", passage_id)
        expect(best.locator(".cite")).to_contain_text(
            f"section {citation['section']} “{citation['title']}”", timeout=10_000
        )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-page-real.png"), full_page=True)
