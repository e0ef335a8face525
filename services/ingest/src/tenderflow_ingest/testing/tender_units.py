"""Writes the tender units that workspace and questions tests read: ingest's real extractor output.

    .venv/bin/python -m tenderflow_ingest.testing.tender_units FOLDER

`tenderflow_common.testing.tenders` runs it once per test process. Sources are the TED notices and OCDS files in
the shared data folder and the synthetic OCDS documents kept in the repository.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from tenderflow_common.testing.tenders import SYNTHETIC, TENDERS, UNITS, UNITS_SUFFIX, units_file
from tenderflow_ingest.extractors import extract
from tenderflow_ingest.limits import IngestLimits

DOC_TYPES = {".xml": "xml", ".json": "json"}


def sources(tenders: Path = TENDERS) -> dict[str, Path]:
    """Every document that gets units, by the name tests load it with."""
    real = sorted([*tenders.glob("ted/*.xml"), *tenders.glob("ocds/*.json")]) if tenders.is_dir() else []
    synthetic = sorted(path for path in SYNTHETIC.glob("*.json") if not path.name.endswith(UNITS_SUFFIX))
    return {
        **{path.relative_to(tenders).as_posix(): path for path in real},
        **{path.relative_to(UNITS).as_posix(): path for path in synthetic},
    }


def rendered(name: str, path: Path) -> str:
    """The units file of one document."""
    doc_type = DOC_TYPES[path.suffix]
    extraction = extract(path, doc_type, IngestLimits())
    document = {"source": name, "doc_type": extraction.doc_type, "units": [asdict(unit) for unit in extraction.units]}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def main() -> None:
    folder = Path(sys.argv[1])
    files = {units_file(name, folder): rendered(name, path) for name, path in sources().items()}
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    print(f"wrote {len(files)} units files under {folder}")


if __name__ == "__main__":
    main()
