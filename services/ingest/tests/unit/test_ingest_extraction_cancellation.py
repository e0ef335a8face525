"""A cancelled job stops inside a long PDF, between pages, instead of after the whole document."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenderflow_ingest.archive import Cancelled
from tenderflow_ingest.extractors import extract
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.testing.documents import price_schedule_csv, tender_pdf


def test_pdf_extraction_asks_before_every_page_and_stops_when_cancelled(tmp_path: Path) -> None:
    path = tmp_path / "long.pdf"
    path.write_bytes(tender_pdf(pages=20, seed=1, lines=5))
    asked = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 3

    with pytest.raises(Cancelled):
        extract(path, "pdf", IngestLimits(), cancelled)
    assert len(asked) == 4


def test_pdf_extraction_runs_to_the_end_when_nobody_cancels(tmp_path: Path) -> None:
    path = tmp_path / "long.pdf"
    path.write_bytes(tender_pdf(pages=5, seed=1, lines=5))
    extraction = extract(path, "pdf", IngestLimits(), lambda: False)
    assert extraction.pages == 5 and len(extraction.units) == 5


def test_other_types_finish_their_document_whatever_cancelled_says(tmp_path: Path) -> None:
    path = tmp_path / "prices.csv"
    path.write_bytes(price_schedule_csv(10_000, seed=1))
    assert extract(path, "csv", IngestLimits(), lambda: True).units
