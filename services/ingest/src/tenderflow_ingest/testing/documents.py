"""Realistic tender documents, generated: PDFs with text and scanned pages, price schedules, OCDS, TED XML.

Everything is seeded, so a package built twice is the same package. PDFs need fpdf2 and Pillow, which are
development dependencies; they are imported only when a PDF is asked for.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from tenderflow_ingest.limits import MIB

WORKS = ("resurfacing of roads", "maintenance of street lighting", "cleaning of public buildings",
         "supply of office furniture", "renovation of school sanitary facilities", "winter road service",
         "landscaping of parks", "replacement of traffic signals", "IT support services",
         "supply of electricity", "construction of a cycle bridge", "asbestos removal")
PLACES = ("Ghent", "Leuven", "Utrecht", "Veitshoechheim", "Aarhus", "Tampere", "Graz", "Lyon", "Porto",
          "Turin")
UNITS = ("m2", "m", "pcs", "h", "t", "lump sum")
CPV = ("45233142", "50232100", "90919200", "39130000", "45453000", "90620000", "77313000", "34996100")


def _sentence(rng: random.Random) -> str:
    work, place = rng.choice(WORKS), rng.choice(PLACES)
    return rng.choice((
        f"The contracting authority of {place} invites tenders for the {work}.",
        f"Lot {rng.randint(1, 40)} covers the {work} in the district of {place}.",
        f"The estimated value of the contract is EUR {rng.randint(10, 9000) * 1000:,} excluding VAT.",
        f"Tenders must be submitted before {rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2025 at 12:00.",
        f"Award criteria: price {rng.choice((40, 50, 60))} %, quality {rng.choice((30, 40, 50))} %.",
        f"Questions about the {work} are answered through the e-procurement platform only.",
        f"The contractor shall provide {rng.randint(1, 12)} references for the {work} from the last 3 years.",
    ))


def scanned_page(seed: int, width: int = 1240, height: int = 1754) -> bytes:
    """A JPEG the size and weight of a page scanned at 150 dpi (grey, blurred noise: it does not compress)."""
    from PIL import Image

    rng = random.Random(seed)
    small = Image.frombytes("L", (width // 4, height // 4), rng.randbytes((width // 4) * (height // 4)))
    buffer = io.BytesIO()
    small.resize((width, height), Image.BILINEAR).save(buffer, "JPEG", quality=75)
    return buffer.getvalue()


def tender_pdf(pages: int, seed: int, scans: list[bytes] = (), scan_every: int = 0, lines: int = 48) -> bytes:
    """A tender document: text pages of `lines` lines, with every `scan_every`-th page a scanned image."""
    from fpdf import FPDF

    rng = random.Random(seed)
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    for number in range(1, pages + 1):
        pdf.add_page()
        if scans and scan_every and number % scan_every == 0:
            pdf.image(io.BytesIO(scans[(seed + number) % len(scans)]), x=0, y=0, w=210, h=297)
            continue
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 8, f"Tender documents - section {number}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=9)
        for _ in range(lines):
            pdf.cell(0, 5.5, _sentence(rng), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def price_schedule_csv(target_bytes: int, seed: int) -> bytes:
    """A bill of quantities as an e-procurement platform exports it: semicolon separated, one row per item."""
    rng = random.Random(seed)
    rows = ["Position;Lot;CPV;Description;Quantity;Unit;Unit price (EUR);Total (EUR)"]
    size = len(rows[0])
    position = 0
    while size < target_bytes:
        position += 1
        quantity, price = rng.randint(1, 5000), rng.randint(1, 250_000) / 100
        row = (f"{position};{rng.randint(1, 40)};{rng.choice(CPV)};{rng.choice(WORKS).capitalize()} in "
               f"{rng.choice(PLACES)};{quantity};{rng.choice(UNITS)};{price:.2f};{quantity * price:.2f}")
        rows.append(row)
        size += len(row) + 1
    return ("\n".join(rows) + "\n").encode()


def ocds_release_package(target_bytes: int, seed: int) -> bytes:
    """An OCDS release package with lots, items and awards, about target_bytes long."""
    rng = random.Random(seed)
    releases = []
    size = 0
    while size < target_bytes:
        n = len(releases)
        place = rng.choice(PLACES)
        lots = [{"id": str(i), "title": f"{rng.choice(WORKS).capitalize()} in {place}",
                 "value": {"amount": rng.randint(10, 5000) * 1000, "currency": "EUR"}} for i in range(1, 9)]
        release = {
            "ocid": f"ocds-tf0001-{seed}-{n}", "id": f"{seed}-{n}", "date": "2025-03-01T09:00:00Z",
            "tag": ["tender"], "buyer": {"id": f"ORG-{n}", "name": f"City of {place}"},
            "parties": [{"id": f"ORG-{n}", "name": f"City of {place}", "roles": ["buyer"],
                         "contactPoint": {"email": f"procurement{n}@{place.lower()}.example"}}],
            "tender": {"id": f"T-{seed}-{n}", "title": f"{rng.choice(WORKS).capitalize()} in {place}",
                       "description": " ".join(_sentence(rng) for _ in range(4)),
                       "procurementMethod": "open", "lots": lots,
                       "items": [{"id": str(i), "classification": {"scheme": "CPV", "id": rng.choice(CPV)},
                                  "relatedLot": str(1 + i % 8)} for i in range(12)],
                       "tenderPeriod": {"endDate": f"2025-{rng.randint(4, 12):02d}-15T12:00:00Z"}},
        }
        releases.append(release)
        size += len(json.dumps(release))
    return json.dumps({"uri": f"https://tenders.example/{seed}.json", "version": "1.1",
                       "publishedDate": "2025-03-01T09:00:00Z", "releases": releases}, indent=1).encode()


def ted_notice_xml(target_bytes: int, seed: int) -> bytes:
    """A TED-style contract notice whose object description repeats per lot until it is target_bytes long."""
    rng = random.Random(seed)
    place = rng.choice(PLACES)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<TED_EXPORT><FORM_SECTION><F02_2014 LG="EN">',
        f"<CONTRACTING_BODY><ADDRESS_CONTRACTING_BODY><OFFICIALNAME>City of {place}</OFFICIALNAME>"
        f"<E_MAIL>tenders@{place.lower()}.example</E_MAIL></ADDRESS_CONTRACTING_BODY></CONTRACTING_BODY>",
        f"<OBJECT_CONTRACT><TITLE><P>{escape(rng.choice(WORKS).capitalize())}</P></TITLE>"
        f"<CPV_MAIN><CPV_CODE CODE=\"{rng.choice(CPV)}\"/></CPV_MAIN>",
    ]
    size = sum(map(len, parts))
    lot = 0
    while size < target_bytes:
        lot += 1
        text = " ".join(escape(_sentence(rng)) for _ in range(6))
        part = (f"<OBJECT_DESCR ITEM=\"{lot}\"><LOT_NO>{lot}</LOT_NO><SHORT_DESCR><P>{text}</P></SHORT_DESCR>"
                f"<VAL_OBJECT CURRENCY=\"EUR\">{rng.randint(10, 9000) * 1000}</VAL_OBJECT></OBJECT_DESCR>")
        parts.append(part)
        size += len(part)
    parts.append("</OBJECT_CONTRACT></F02_2014></FORM_SECTION></TED_EXPORT>\n")
    return "".join(parts).encode()


@dataclass(frozen=True)
class PackageMix:
    """How a generated package splits its bytes between document types, and how big each file is."""

    pdf_share: float = 0.5
    csv_share: float = 0.25
    json_share: float = 0.15
    xml_share: float = 0.10
    pdf_text_pages: tuple[int, int] = (20, 60)
    pdf_scans: tuple[int, int] = (4, 10)
    csv_bytes: tuple[int, int] = (2 * MIB, 6 * MIB)
    json_bytes: tuple[int, int] = (1 * MIB, 3 * MIB)
    xml_bytes: tuple[int, int] = (MIB // 2, 2 * MIB)


def package_documents(
    total_bytes: int, mix: PackageMix = PackageMix(), seed: int = 1
) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of a tender package of about total_bytes uncompressed, one document at a time."""
    rng = random.Random(seed)
    scans = [scanned_page(seed * 100 + i) for i in range(6)]
    budgets = {"pdf": mix.pdf_share, "csv": mix.csv_share, "json": mix.json_share, "xml": mix.xml_share}
    for kind, share in budgets.items():
        left = int(total_bytes * share)
        number = 0
        while left > 0:
            number += 1
            data = _document(kind, rng, mix, scans, left, seed * 10_000 + number)
            left -= len(data)
            yield f"{kind}/{kind}-{number:03d}.{kind}", data


def _document(
    kind: str, rng: random.Random, mix: PackageMix, scans: list[bytes], left: int, seed: int
) -> bytes:
    if kind == "pdf":
        text_pages, scan_pages = rng.randint(*mix.pdf_text_pages), rng.randint(*mix.pdf_scans)
        every = max(2, (text_pages + scan_pages) // max(scan_pages, 1))
        return tender_pdf(text_pages + scan_pages, seed, scans, every)
    size = min(left, rng.randint(*getattr(mix, f"{kind}_bytes")))
    if kind == "csv":
        return price_schedule_csv(size, seed)
    if kind == "json":
        return ocds_release_package(size, seed)
    return ted_notice_xml(size, seed)


def write_package(path: Path, documents, compresslevel: int = 6) -> int:
    """Write (name, bytes) pairs into a deflated ZIP one at a time; return the uncompressed total."""
    total = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        for name, data in documents:
            archive.writestr(name, data)
            total += len(data)
    return total
