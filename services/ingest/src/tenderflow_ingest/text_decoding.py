"""Turns document bytes into text, favouring what tender exports use: UTF-8, Windows-1252, Mac Roman."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

import charset_normalizer

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# charset-normalizer cannot tell these Latin single-byte code pages apart reliably on short files; within this
# family we decide between Windows-1252 and Mac Roman ourselves by how plausible the decoded text is.
_LATIN_SINGLE_BYTE = frozenset(
    {
        *("ascii", "latin_1", "cp1250", "cp1252", "cp1254", "cp1257", "cp437", "cp775"),
        *("cp850", "cp852", "cp858", "cp860", "cp861", "cp863", "cp865"),
        *("iso8859_2", "iso8859_3", "iso8859_4", "iso8859_9", "iso8859_10"),
        *("iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16"),
        *("mac_roman", "mac_latin2", "mac_iceland", "mac_turkish", "mac_croatian", "mac_romanian"),
    }
)
_COMMON_WESTERN = frozenset("àâäáãåæçèéêëìíîïñòóôöõøœùúûüýÿßÀÂÄÁÃÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÖÕØŒÙÚÛÜÝ€£")
_NEUTRAL_SYMBOLS = frozenset("©®°±’·«»")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SCORED_CHARACTERS = 20_000
_MIN_MULTIBYTE_FOR_DAMAGED_UTF8 = 20


@dataclass(frozen=True)
class DecodedText:
    """Text together with the encoding it was read in, kept for warnings and debugging."""

    text: str
    encoding: str
    replaced: int = 0

    def warnings(self) -> list[str]:
        """What a reader of the extracted text should know about how it was decoded."""
        notes = [] if self.encoding.startswith("utf") else [f"decoded as {self.encoding}"]
        if self.replaced:
            notes.append(f"{self.replaced} undecodable byte sequences replaced")
        return notes


def decode_text(data: bytes, partial: bool = False) -> DecodedText | None:
    """Decode bytes, or None when they are not text; partial tolerates a cut-off last character."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_or_none(data, encoding, partial)
    utf8 = _decode_or_none(data, "utf-8", partial)
    if utf8 is not None:
        return utf8
    if b"\x00" in data:
        return None
    damaged_utf8 = _mostly_utf8(data)
    if damaged_utf8 is not None:
        return damaged_utf8
    guess = charset_normalizer.from_bytes(data).best()
    if guess is not None and guess.encoding not in _LATIN_SINGLE_BYTE:
        return _decode_or_none(data, guess.encoding, partial)
    return _most_plausible_western(data)


def _decode_or_none(data: bytes, encoding: str, partial: bool) -> DecodedText | None:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        text = decoder.decode(data, final=not partial)
    except (UnicodeDecodeError, LookupError):
        return None
    return DecodedText(text, codecs.lookup(encoding).name)


def _mostly_utf8(data: bytes) -> DecodedText | None:
    """UTF-8 with a few broken bytes is still UTF-8; reading it as a legacy code page garbles every accent."""
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd")
    multibyte = sum(1 for _ in _NON_ASCII.finditer(text)) - replaced
    if multibyte >= _MIN_MULTIBYTE_FOR_DAMAGED_UTF8 and replaced * 20 <= multibyte:
        return DecodedText(text, "utf-8", replaced=replaced)
    return None


def _most_plausible_western(data: bytes) -> DecodedText:
    candidates = []
    for preference, encoding in enumerate(("cp1252", "mac_roman")):
        decoded = _decode_or_none(data, encoding, partial=False)
        if decoded is not None:
            candidates.append((plausibility(decoded.text), -preference, decoded))
    return max(candidates, key=lambda candidate: candidate[:2])[2]


def plausibility(text: str) -> float:
    """Score how much the non-ASCII characters look like real Western European text rather than mojibake."""
    score = 0.0
    for count, match in enumerate(_NON_ASCII.finditer(text)):
        if count >= _SCORED_CHARACTERS:
            break
        at = match.start()
        before = text[at - 1] if at > 0 else " "
        after = text[at + 1] if at + 1 < len(text) else " "
        score += _character_score(match.group(), before, after)
    return score


def _character_score(ch: str, before: str, after: str) -> float:
    category = unicodedata.category(ch)
    bonus = 1.0 if ch in _COMMON_WESTERN else 0.0
    if category == "Ll":
        return bonus + (2.0 if before.isalpha() or after.isalpha() else 0.5)
    if category == "Lu":
        # Capitals start a word or sit inside an all-caps word; "CafÈ" and "MŸller" are mojibake.
        plausible = not before.isalpha() or (before.isupper() and not after.islower())
        return bonus + (1.0 if plausible else -3.0)
    if category == "Lo":
        return 0.5
    if category == "Sc":
        return bonus + 1.0
    if ch in _NEUTRAL_SYMBOLS or category in ("Zs", "Mn"):
        return 0.0
    if category[0] == "P":
        return -2.0 if before.isalpha() and after.isalpha() else 0.0
    return -2.0
