"""Real tender documents as the units ingest extracted from them, served as passages for answering tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tenderflow_common.contracts.workspace import Passage
from tenderflow_common.testing.tenders import csv_units, pdf_units, relative_to_section, tender_units


def as_passages(units: list[dict[str, Any]], file: str, doc_type: str, score: float = 0.8) -> list[Passage]:
    """Passages as a workspace search would return them, one per unit."""
    stem = Path(file).stem
    return [
        Passage(
            chunk_id=f"{stem}:{number}",
            document_id=stem,
            file=file,
            doc_type=doc_type,
            text=unit["text"],
            page=unit["page"],
            path=unit["path"],
            row=unit["row"],
            score=score,
        )
        for number, unit in enumerate(units)
    ]


@pytest.fixture
def tender_passages() -> Callable[..., list[Passage]]:
    """Every unit of a tender as a passage, by its name under the shared data folder (or `synthetic/...`)."""

    def load(name: str, relative: bool = False, score: float = 0.8) -> list[Passage]:
        units = relative_to_section(tender_units(name)) if relative else tender_units(name)
        return as_passages(units, Path(name).name, Path(name).suffix[1:], score)

    return load


@pytest.fixture
def pdf_passages() -> Callable[..., list[Passage]]:
    def make(pages: list[str], file: str = "tender.pdf", score: float = 0.8) -> list[Passage]:
        return as_passages(pdf_units(pages), file, "pdf", score)

    return make


@pytest.fixture
def csv_passages() -> Callable[..., list[Passage]]:
    def make(
        header: list[str], rows: list[list[str]], file: str = "tender.csv", score: float = 0.8
    ) -> list[Passage]:
        return as_passages(csv_units(header, rows), file, "csv", score)

    return make
