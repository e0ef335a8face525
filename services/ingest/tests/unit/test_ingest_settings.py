"""Every archive safety limit is configurable as TENDERFLOW_INGEST_<FIELD>, with the domain's defaults."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import ValidationError

from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.settings import IngestSettings

LIMIT_NAMES = [field.name for field in dataclasses.fields(IngestLimits)]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in LIMIT_NAMES:
        monkeypatch.delenv(f"TENDERFLOW_INGEST_{name.upper()}", raising=False)


def test_without_environment_the_limits_are_the_domain_defaults() -> None:
    assert IngestSettings().limits() == IngestLimits()


@pytest.mark.parametrize("name", LIMIT_NAMES)
def test_each_limit_is_read_from_its_environment_variable(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    default = getattr(IngestLimits(), name)
    wanted = default * 3 if isinstance(default, int) else default * 2.5
    monkeypatch.setenv(f"TENDERFLOW_INGEST_{name.upper()}", str(wanted))
    limits = IngestSettings().limits()
    assert getattr(limits, name) == wanted
    assert type(getattr(limits, name)) is type(default)


@pytest.mark.parametrize("value", ["0", "-1", "lots"])
def test_nonsense_limits_refuse_to_start(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("TENDERFLOW_INGEST_MAX_PDF_PAGES", value)
    with pytest.raises(ValidationError, match="max_pdf_pages"):
        IngestSettings()


def test_zero_ocr_pages_switches_ocr_off_but_a_negative_count_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TENDERFLOW_INGEST_MAX_OCR_PAGES", "0")
    assert IngestSettings().limits().max_ocr_pages == 0
    monkeypatch.setenv("TENDERFLOW_INGEST_MAX_OCR_PAGES", "-1")
    with pytest.raises(ValidationError, match="max_ocr_pages"):
        IngestSettings()
    with pytest.raises(ValueError, match="max_ocr_page_seconds"):
        IngestLimits(max_ocr_page_seconds=0)
