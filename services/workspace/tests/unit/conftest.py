"""Real tender documents as the units ingest extracted from them, so retrieval tests run on real text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tenderflow_common.testing.tenders import csv_units, pdf_units, relative_to_section
from tenderflow_common.testing.tenders import tender_units as units_of


@pytest.fixture
def tender_units() -> Callable[..., list[dict[str, Any]]]:
    """Units of a real tender file by its name under the shared data folder."""

    def load(name: str, relative: bool = False) -> list[dict[str, Any]]:
        return relative_to_section(units_of(name)) if relative else units_of(name)

    return load


@pytest.fixture
def make_csv_units() -> Callable[[list[str], list[list[str]]], list[dict[str, Any]]]:
    return csv_units


@pytest.fixture
def make_pdf_units() -> Callable[[list[str]], list[dict[str, Any]]]:
    return pdf_units
