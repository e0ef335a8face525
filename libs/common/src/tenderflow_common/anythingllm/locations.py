"""Where a piece of uploaded text came from, carried inside the text itself.

AnythingLLM splits uploaded documents into chunks of its own choosing and hands them back as chat sources, with
the document's metadata but no offsets. So the uploaded text marks each unit of the extracted document (a PDF
page, a JSON or XML path, a CSV row): `⟦page 3⟧` opens a unit, `⟦/page 3⟧` closes it, and `⟦+page 3⟧` repeats it
every few hundred characters inside long units. Any chunk longer than that interval then holds a marker that
names the unit of each character: text after an opening or repeated marker belongs to it, text before a closing
or repeated marker too.
"""

import re
from dataclasses import dataclass
from typing import Any

REPEAT_EVERY = 400
MARKER = re.compile(r"⟦([/+]?)(page|path|row) ([^⟧\n]*)⟧")
METADATA_HEADER = re.compile(r"^\s*<document_metadata>.*?</document_metadata>\s*", re.S)


@dataclass(frozen=True)
class Location:
    page: int | None = None
    path: str | None = None
    row: int | None = None


@dataclass(frozen=True)
class Segment:
    text: str
    location: Location | None


def render_units(units: list[dict[str, Any]]) -> str:
    """A document's units as one text, each unit marked with where it came from."""
    parts = []
    for unit in units:
        text = str(unit.get("text") or "").strip()
        if not text:
            continue
        tag = _tag(unit)
        if tag is None:
            parts.append(text)
            continue
        pieces = _pieces(text, REPEAT_EVERY)
        parts.append(f"⟦{tag}⟧ " + f" ⟦+{tag}⟧ ".join(pieces) + f" ⟦/{tag}⟧")
    return "\n\n".join(parts)


def segments(chunk_text: str) -> list[Segment]:
    """A retrieved chunk split at its markers, each piece with the unit it belongs to (None when unknown)."""
    text = METADATA_HEADER.sub("", chunk_text)
    markers = list(MARKER.finditer(text))
    found: list[Segment] = []
    start = 0
    for index in range(len(markers) + 1):
        after = markers[index] if index < len(markers) else None
        before = markers[index - 1] if index > 0 else None
        piece = text[start:after.start() if after else len(text)]
        start = after.end() if after else len(text)
        if not piece.strip():
            continue
        location = None
        if before is not None and before.group(1) in ("", "+"):
            location = _location(before)
        elif after is not None and after.group(1) in ("/", "+"):
            location = _location(after)
        found.append(Segment(piece.strip(), location))
    return found


def plain_text(chunk_text: str) -> str:
    """The chunk's text without the metadata header and markers."""
    return " ".join(segment.text for segment in segments(chunk_text))


def locate(chunk_text: str, quote: str) -> tuple[Location | None, bool]:
    """The unit of the chunk where `quote` starts, and whether the quote is in the chunk at all.

    Whitespace and case are ignored; a quote that runs across units is found too and placed where it starts.
    """
    parts = segments(chunk_text)
    wanted = _normal(quote)
    if not wanted:
        return None, False
    joined, owners = "", []
    for number, segment in enumerate(parts):
        piece = _normal(segment.text) + " "
        joined += piece
        owners += [number] * len(piece)
    at = joined.find(wanted)
    if at < 0:
        return None, False
    return parts[owners[at]].location, True


def first_location(chunk_text: str) -> Location | None:
    """The first unit the chunk names, for a source that holds no quote."""
    for segment in segments(chunk_text):
        if segment.location is not None:
            return segment.location
    return None


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _tag(unit: dict[str, Any]) -> str | None:
    if unit.get("page") is not None:
        return f"page {int(unit['page'])}"
    if unit.get("row") is not None:
        return f"row {int(unit['row'])}"
    if unit.get("path"):
        return "path " + str(unit["path"]).replace("⟧", "]").replace("\n", " ")
    return None


def _location(marker: re.Match) -> Location:
    kind, value = marker.group(2), marker.group(3).strip()
    if kind == "page":
        return Location(page=int(value)) if value.isdigit() else Location()
    if kind == "row":
        return Location(row=int(value)) if value.isdigit() else Location()
    return Location(path=value)


def _pieces(text: str, size: int) -> list[str]:
    """`text` cut into pieces of about `size` characters, at spaces where there are any."""
    pieces = []
    while len(text) > size:
        cut = text.rfind(" ", size // 2, size)
        cut = size if cut < 0 else cut
        pieces.append(text[:cut].strip())
        text = text[cut:].strip()
    pieces.append(text)
    return [piece for piece in pieces if piece]
