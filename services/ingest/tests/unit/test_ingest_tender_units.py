"""The committed tender units that workspace and questions tests read are what the extractors write now."""

from __future__ import annotations

import pytest

from tenderflow_common.testing.tenders import TENDERS, UNITS, UNITS_SUFFIX
from tenderflow_ingest.testing.tender_units import expected

REGENERATE = ".venv/bin/python -m tenderflow_ingest.testing.tender_units"


@pytest.mark.skipif(not TENDERS.is_dir(), reason="shared/data/tenders is not next to this checkout")
def test_committed_tender_units_match_the_extractors() -> None:
    files = expected()

    assert sorted(UNITS.rglob(f"*{UNITS_SUFFIX}")) == sorted(files), f"units files differ; run {REGENERATE}"
    stale = [path.relative_to(UNITS).as_posix() for path, content in files.items()
             if path.read_text(encoding="utf-8") != content]
    assert not stale, f"stale units: {stale}; run {REGENERATE}"
