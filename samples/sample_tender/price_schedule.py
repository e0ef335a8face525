"""The priced schedule of the lots as a spreadsheet on a Western European Windows machine exports it.

Windows-1252 (so `€` is the single byte 0x80), `;` between cells, CRLF line ends, one header row.
"""

from __future__ import annotations

import csv
import io

from sample_tender.facts import LOTS, TOTAL_CENTS, euro

HEADER = ("Lot", "Item", "Description", "Unit", "Quantity", "Rate (€)", "Amount (€)")


def price_schedule_csv() -> bytes:
    """Every priced item, a total row per lot and a grand total; amounts add up exactly."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for lot in LOTS:
        for item, description, unit, quantity, rate in lot.items:
            writer.writerow((lot.number, item, description, unit, quantity, euro(rate, "€"),
                             euro(quantity * rate, "€")))
        writer.writerow((lot.number, "", f"Total Lot {lot.number} – {lot.title} (excl. VAT)", "", "", "",
                         euro(lot.value, "€")))
    writer.writerow(("", "", "Total of all lots (excl. VAT)", "", "", "", euro(TOTAL_CENTS, "€")))
    return text.getvalue().encode("cp1252")
