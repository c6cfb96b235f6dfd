"""Real source files (a PDF, a Markdown guide, an HTML page) built into a small index for citation links.

The PDF prints its pages as 3 and 4 (its page labels say so), so a link to printed page 3
must open the file's first page.  The guide is long enough that its last section starts
well below the first screen, so a reader view that opens at the top would not show it.
Built by the real pipeline with the hashing embedder: seconds, no model.
"""

from __future__ import annotations

from pathlib import Path

from fakes import HashingEmbedder

from ingest.blocks import Heading, Paragraph
from ingest.pipeline import build_index
from tests.pdf_writer import write_pdf

DIMENSION = 64
MOBILE = "Mobile phones let migrants send remittances home cheaply across borders."
ASYLUM = "Refugees fleeing persecution seek asylum under international protection law."
FILLER = [
    ("Savings groups", "Village savings groups pool small deposits and lend to their members."),
    ("Housing", "Returning families often build houses with the money they saved abroad."),
    ("Schooling", "School fees are the first expense many households meet with transfers."),
    ("Health care", "Clinics in rural districts depend on the fees that transfers help pay."),
    ("Small firms", "Shops and workshops open where relatives abroad provide start-up capital."),
    ("Exchange rates", "A weak currency makes each transfer worth more in local terms."),
    ("Seasons", "Transfers peak before harvests and religious festivals every year."),
    ("Women", "Women abroad send a larger share of their earnings than men do."),
    ("Agents", "Agents in market towns pay out transfers in cash on the day they arrive."),
    ("Regulation", "Rules against money laundering raise the cost of small transfers."),
]


def write_sources(folder: Path) -> dict[str, Path]:
    """Write the three sources into ``folder``; return their paths by document id."""
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / "report.pdf"
    write_pdf(
        pdf,
        [
            [
                Heading(1, "1. Remittances"),
                Paragraph("Remittances sent home by migrants reduce poverty in origin countries."),
            ],
            [Heading(1, "2. Refugees and asylum"), Paragraph(ASYLUM)],
        ],
        title="Report on migration",
        first_page=3,
    )
    guide = folder / "guide.md"
    body = "".join(
        f"## {number}. {title}\n\n{text}\n\n{text}\n\n"
        for number, (title, text) in enumerate(FILLER, start=1)
    )
    guide.write_text(
        f"# Field guide\n\n{body}## {len(FILLER) + 1}. Mobile money\n\n{MOBILE}\n", encoding="utf-8"
    )
    page = folder / "notes.html"
    page.write_text(
        "<!doctype html><html><head><title>Field notes</title></head><body><h1>Field notes</h1>"
        "<p>Household surveys count the migrants of a village.</p>"
        "<script>document.title = 'ran';</script></body></html>",
        encoding="utf-8",
    )
    return {"report": pdf, "guide": guide, "notes": page}


def build_citable_index(root: Path, folder: Path) -> Path:
    """Index everything in ``folder`` under ``root`` with the hashing embedder; return ``root``."""
    build_index([folder], root, embedder=HashingEmbedder(DIMENSION), progress=False)
    return root
