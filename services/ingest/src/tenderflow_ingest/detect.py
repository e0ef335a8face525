"""Decides a document's type from its bytes, because names in an uploaded archive are only claims."""

from __future__ import annotations

import re
from pathlib import Path

from tenderflow_ingest.csv_dialect import sniff_delimiter
from tenderflow_ingest.text_decoding import decode_text

_HEAD_BYTES = 64 * 1024
# Unicode category Cc (C0 and C1 controls, DEL) less the whitespace text files legitimately contain.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# Readers accept a PDF header anywhere in the first kilobyte, so junk before it does not make it less a PDF.
_PDF_HEADER_WINDOW = 1024
_JSON_AFTER_BRACE = re.compile(r'^\{\s*(["}]|$)')
_JSON_AFTER_BRACKET = re.compile(r'^\[\s*([\[{"\]\-0-9tfn]|$)')
_XML_START = re.compile(r"^<(\?xml[\s?]|!--|!DOCTYPE\s|[A-Za-z_][\w.:-]*[\s/>])")
_HTML_START = re.compile(r"^<(!DOCTYPE\s+html|html[\s>])", re.IGNORECASE)
_MAX_CONTROL_SHARE = 0.01
_ZIP_HEADER = b"PK\x03\x04"
# Markdown is prose even where a table of it splits like CSV; a .txt says nothing (CSV exports often use it).
_TEXT_EXTENSIONS = (".md", ".markdown")


def detect_type(path: Path, name: str | None = None) -> str | None:
    """Return "pdf", "json", "csv", "xml", "xlsx", "docx" or "text" from the content, or None for anything else.

    name is only a hint: a text file named .csv that has a single column is still a CSV, and one named .md is
    text even where its lines split like CSV. Readable text of no other kind is "text"; HTML is not
    accepted.
    """
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
        cut_short = bool(handle.read(1))
    if b"%PDF-" in head[:_PDF_HEADER_WINDOW]:
        return "pdf"
    if head.startswith(_ZIP_HEADER):
        # Imported here: ooxml reads ZIP layouts with the archive package, which itself detects types.
        from tenderflow_ingest.ooxml import ooxml_kind

        return ooxml_kind(path)
    decoded = decode_text(head, partial=cut_short)
    if decoded is None or not decoded.text.strip() or _looks_binary(decoded.text):
        return None
    text = decoded.text.lstrip("\ufeff \t\r\n")
    if _JSON_AFTER_BRACE.match(text) or _JSON_AFTER_BRACKET.match(text):
        return "json"
    if _HTML_START.match(text):
        return None
    if _XML_START.match(text):
        return "xml"
    lowered = (name or "").lower()
    if lowered.endswith(_TEXT_EXTENSIONS):
        return "text"
    if sniff_delimiter(_complete_lines(decoded.text, cut_short)) is not None:
        return "csv"
    if lowered.endswith(".csv"):
        return "csv"
    return "text"


def _looks_binary(text: str) -> bool:
    controls = len(_CONTROL_CHARACTERS.findall(text))
    return controls > _MAX_CONTROL_SHARE * len(text)


def _complete_lines(text: str, cut_short: bool) -> str:
    """Drop the last line of a truncated head, since a half row would look inconsistent."""
    if cut_short and "\n" in text:
        return text[: text.rindex("\n")]
    return text
