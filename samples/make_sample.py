"""Builds the sample tender package: one fictional tender published four ways (PDF, OCDS, CSV, TED XML).

Usage: python samples/make_sample.py OUTPUT.zip

The tender is invented (see `sample_tender/facts.py`); every document is built from the same facts, so they
agree. The output is the same bytes on every run: the PDF's creation date is fixed, ZIP entries have fixed
timestamps and attributes, and they are written in name order.
"""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from sample_tender.notice_pdf import notice_pdf
from sample_tender.ocds_release import ocds_json
from sample_tender.price_schedule import price_schedule_csv
from sample_tender.ted_notice import ted_xml

ENTRIES: dict[str, Callable[[], bytes]] = {
    "KHA-2023-014_contract-notice.pdf": notice_pdf,
    "KHA-2023-014_ocds-release-package.json": ocds_json,
    "KHA-2023-014_price-schedule.csv": price_schedule_csv,
    "KHA-2023-014_ted-notice.xml": ted_xml,
}
ZIP_DATE_TIME = (2023, 3, 8, 9, 30, 0)
UNIX = 3  # ZipInfo's "made by" system; its default depends on the platform building the file


def build(output: Path) -> None:
    """Write the package to `output`, creating its folder if need be (`.run/` does not exist in a fresh clone)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w") as archive:
        for name in sorted(ENTRIES):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = UNIX
            info.external_attr = 0o644 << 16
            archive.writestr(info, ENTRIES[name](), compresslevel=9)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: make_sample.py OUTPUT.zip", file=sys.stderr)
        return 2
    build(Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
