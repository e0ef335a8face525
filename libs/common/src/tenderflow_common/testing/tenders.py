"""Tender documents as the units ingest extracts from them, for retrieval and answering tests.

The units are what ingest's real extractors write, now: for the real tenders in the shared data folder beside the
checkout (TENDERS, never copied into the repository) and for the synthetic documents under
`tender_units/synthetic/`. They are written once per test process by `python -m tenderflow_ingest.testing.tender_units`
in a process of its own, so tests of other services read real extractor output without importing ingest.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tenderflow_common.testing.infra import repo_root

TENDERS = repo_root().parent / "shared" / "data" / "tenders"
UNITS = Path(__file__).parent / "tender_units"
SYNTHETIC = UNITS / "synthetic"
UNITS_SUFFIX = ".units.json"


def units_file(name: str, folder: Path) -> Path:
    """Where the units of a tender named like `ted/21-000061-001-EXP.xml` or `synthetic/x.json` are written."""
    return folder / f"{name.rsplit('.', 1)[0]}{UNITS_SUFFIX}"


@functools.cache
def _extracted() -> Path:
    """Ingest's extractors, run once per test process over every tender, in a process of their own."""
    folder = Path(tempfile.mkdtemp(prefix="tenderflow-tender-units-"))
    subprocess.run([sys.executable, "-m", "tenderflow_ingest.testing.tender_units", str(folder)], check=True,
                   stdout=subprocess.DEVNULL)
    return folder


def tender_units(name: str) -> list[dict[str, Any]]:
    """The units ingest extracts from a tender, by its name under TENDERS (or `synthetic/...`)."""
    return json.loads(units_file(name, _extracted()).read_text(encoding="utf-8"))["units"]


def relative_to_section(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """TED units with keys relative to their section (`DATE_RECEIPT_TENDERS:` in the PROCEDURE section), as
    another flattening may write them; ingest writes them starting with the section's own name."""
    relative = []
    for unit in units:
        section = (unit["path"] or "").rsplit("/", 1)[-1]
        prefix = re.compile(rf"^{re.escape(section)}/", re.M) if section else None
        relative.append({**unit, "text": prefix.sub("", unit["text"]) if prefix else unit["text"]})
    return relative


def csv_units(header: list[str], rows: list[list[str]]) -> list[dict[str, Any]]:
    """One unit per data row, numbered from 1 like a spreadsheet's data rows."""
    return [
        {
            "text": "; ".join(f"{name}: {cell}" for name, cell in zip(header, row, strict=True)),
            "page": None,
            "path": None,
            "row": number,
        }
        for number, row in enumerate(rows, start=1)
    ]


def pdf_units(pages: list[str]) -> list[dict[str, Any]]:
    return [{"text": text, "page": number, "path": None, "row": None} for number, text in enumerate(pages, 1)]
