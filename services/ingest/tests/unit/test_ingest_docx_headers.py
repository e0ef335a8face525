"""A DOCX's running headers and footers are read once each, as marked units, and never among the body's."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_BREAK

from tenderflow_ingest.extractors import extract
from tenderflow_ingest.limits import IngestLimits

LETTERHEAD = "City of Leeds - Procurement Services"


def paged_docx(path: Path) -> Path:
    """Two sections of three pages each; the second keeps the first's header and has a footer of its own."""
    document = docx.Document()
    first = document.sections[0]
    first.header.paragraphs[0].text = LETTERHEAD
    letterhead_table = first.header.add_table(rows=1, cols=2, width=first.page_width)
    letterhead_table.rows[0].cells[0].text = "Tender LCC/2025/07"
    letterhead_table.rows[0].cells[1].text = "Highway maintenance"
    first.footer.paragraphs[0].text = "Page 1"
    first.footer.add_paragraph("Confidential - for tenderers only")
    for page in range(1, 4):
        paragraph = document.add_paragraph(f"Clause {page}: the works are described on this page.")
        paragraph.add_run().add_break(WD_BREAK.PAGE)
    second = document.add_section(WD_SECTION.NEW_PAGE)
    second.footer.is_linked_to_previous = False
    second.footer.paragraphs[0].text = "Annex A - price schedule"
    document.add_paragraph("Annex A lists the prices.")
    target = path / "paged.docx"
    document.save(target)
    return target


def test_headers_and_footers_are_units_of_their_own_once_each(tmp_path: Path) -> None:
    units = extract(paged_docx(tmp_path), "docx", IngestLimits()).units
    assert [(unit.path, unit.text) for unit in units] == [
        ("header 1", f"{LETTERHEAD}\nTender LCC/2025/07 | Highway maintenance"),
        ("paragraph 1", "Clause 1: the works are described on this page."),
        ("paragraph 2", "Clause 2: the works are described on this page."),
        ("paragraph 3", "Clause 3: the works are described on this page."),
        ("paragraph 4", "Annex A lists the prices."),
        ("footer 1", "Confidential - for tenderers only"),
        ("footer 2", "Annex A - price schedule"),
    ]


def test_a_document_without_headers_has_only_body_units(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Only the body.")
    document.save(tmp_path / "plain.docx")
    units = extract(tmp_path / "plain.docx", "docx", IngestLimits()).units
    assert [(unit.path, unit.text) for unit in units] == [("paragraph 1", "Only the body.")]


def test_headers_count_against_the_unit_limit(tmp_path: Path) -> None:
    units = extract(paged_docx(tmp_path), "docx", IngestLimits(max_units_per_document=2)).units
    assert [unit.path for unit in units] == ["header 1", "paragraph 1"]
