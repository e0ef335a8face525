"""Real tender documents flattened into the ingest unit format, so retrieval tests run on real text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tenderflow_common.testing.tenders import TENDERS, csv_units, flatten_ocds, flatten_ted, pdf_units


@pytest.fixture
def tender_units() -> Callable[..., list[dict[str, Any]]]:
    """Units of a real tender file by its name under the shared data folder."""

    def load(name: str, relative_to_section: bool = False) -> list[dict[str, Any]]:
        path = TENDERS / name
        return flatten_ted(path, relative_to_section) if path.suffix == ".xml" else flatten_ocds(path)

    return load


@pytest.fixture
def make_csv_units() -> Callable[[list[str], list[list[str]]], list[dict[str, Any]]]:
    return csv_units


@pytest.fixture
def make_pdf_units() -> Callable[[list[str]], list[dict[str, Any]]]:
    return pdf_units
