"""One click from a citation to its passage: the web page's links, the reader view and the PDF, in Chromium.

The index is built from real files (``tests/citable.py``) with the hashing embedder, and
served on a real socket; the browser is Debian's Chromium, as for the web page's own test.
"""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from surfaces.live import LiveServer, serve
from surfaces.test_web_page import ARTIFACTS, ask_by_keyboard, browser  # noqa: F401 (a fixture)
from tests.citable import ASYLUM, MOBILE, build_citable_index, write_sources


@pytest.fixture(scope="module")
def citable_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The service over a PDF printed from page 3, a long Markdown guide and an HTML page."""
    folder = tmp_path_factory.mktemp("citable")
    write_sources(folder / "sources")
    yield from serve(build_citable_index(folder / "index", folder / "sources"))


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:  # noqa: F811
    """A fresh page that may fetch nothing from the network but our server.

    Chromium's own PDF viewer loads its parts from ``chrome://`` and ``chrome-extension://``:
    those are the browser, not the network.
    """
    context = browser.new_context()
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if request.url.startswith(("http:", "https:", "ws:", "wss:"))
            and "//127.0.0.1:" not in request.url
            else None
        ),
    )
    yield page
    context.close()
    assert outside == [], f"the page fetched outside resources: {outside}"


def test_a_citation_opens_its_passage_in_view_and_highlighted(page: Page, citable_server: LiveServer) -> None:
    question = "How do mobile phones help migrants send remittances?"
    reference = citable_server.ask(question)
    best = reference["passages"][0]  # type: ignore[index]
    page.goto(citable_server.url)
    ask_by_keyboard(page, question)
    citation = page.locator("#best .cite a").first
    expect(citation).to_have_text("guide, section 11 “Mobile money”")
    citation.click()

    expect(page).to_have_url(
        re.compile(rf"/documents/guide\?passage={best['id']}&highlight=\d+-\d+#p-{best['id']}$")
    )
    cited = page.locator(".passage.cited")
    expect(cited).to_have_count(1)
    expect(cited).to_have_text(MOBILE)
    expect(cited).to_be_in_viewport()
    expect(cited).to_be_focused()
    start, end = best["highlight"]["start"], best["highlight"]["end"]
    expect(cited.locator("mark")).to_have_text(MOBILE[start:end])
    assert cited.evaluate("node => getComputedStyle(node).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert (
        cited.locator("mark").evaluate("node => getComputedStyle(node).backgroundColor") != "rgba(0, 0, 0, 0)"
    )
    expect(page.get_by_role("heading", name="1. Savings groups")).not_to_be_in_viewport()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reader-view.png"))


def test_the_reader_view_is_kept_by_the_keyboard(page: Page, citable_server: LiveServer) -> None:
    page.goto(f"{citable_server.url}/documents/guide")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to the text")).to_be_focused()
    page.get_by_role("link", name="11 Mobile money").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/documents/guide#s-11$"))
    expect(page.get_by_role("heading", name="11 Mobile money")).to_be_in_viewport()


def test_a_pdf_citation_opens_its_page_of_the_pdf_and_its_passage_in_the_reader_view(
    page: Page,
    citable_server: LiveServer,
) -> None:
    indexed = (citable_server.index_dir.parent / "sources" / "report.pdf").read_bytes()
    page.goto(citable_server.url)
    ask_by_keyboard(page, ASYLUM)
    cite = page.locator("#best .cite")
    expect(cite.locator("a").first).to_have_text("report, section 2 “Refugees and asylum”, page 4")
    pdf_link = cite.locator("a.source-link")
    expect(pdf_link).to_have_text("PDF, page 4")
    # Printed page 4 is the file's second page: the PDF viewer counts the file's pages.
    expect(pdf_link).to_have_attribute("href", f"{citable_server.url}/documents/report/source#page=2")
    with page.expect_response(re.compile(r"/documents/report/source$")) as opened:
        pdf_link.click()
    response = opened.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    expect(page).to_have_url(f"{citable_server.url}/documents/report/source#page=2")
    assert page.evaluate("document.contentType") == "application/pdf"  # shown in the tab, not downloaded
    assert page.request.get(f"{citable_server.url}/documents/report/source").body() == indexed

    page.goto(citable_server.url)
    ask_by_keyboard(page, ASYLUM)
    page.locator("#best .cite a").first.click()
    cited = page.locator(".passage.cited")
    expect(cited).to_have_text(ASYLUM)
    expect(cited).to_be_in_viewport()
    expect(page.locator("#page-4")).to_contain_text("Page 4")


@pytest.mark.parametrize(
    "path",
    [
        "/documents/..%2F..%2F..%2Fetc%2Fpasswd/source",
        "/documents/../../etc/passwd",
        "/documents/%2Fetc%2Fpasswd/source",
        "/documents/report%00/source",
        "/documents/%2e%2e/source",
    ],
)
def test_path_like_ids_are_404_over_a_real_socket(citable_server: LiveServer, path: str) -> None:
    """Sent byte for byte (``http.client`` normalises nothing), as an attacker would send them."""
    host, port = citable_server.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 404, body
    assert b"root:" not in body
