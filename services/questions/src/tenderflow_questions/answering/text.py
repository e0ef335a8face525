"""Cleaning of extracted values: markup, entities and whitespace go, the words stay."""

from __future__ import annotations

import html
import re
import unicodedata

_TAG = re.compile(r"<[^>]{1,200}>")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

STOPWORDS = frozenset(
    word
    for words in (
        "a an and are as at be by for from has have in into is it its of on or that the this to was what "
        "when where which who whom with how does do there their must given apply used",
        "der die das den dem des ein eine und oder von zu im ist wer wie",
        "le la les un une et ou de du des au aux est qui que quel quelle",
    )
    for word in words.split()
)


def clean(value: str) -> str:
    """Plain single-line text: HTML tags and entities removed, whitespace collapsed."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", value))).strip()


def collapse(value: str) -> str:
    return _SPACE.sub(" ", value).strip()


def words(text: str) -> set[str]:
    """Content words, accent-folded and with plurals folded, for comparing keys with questions."""
    spaced = _CAMEL_BOUNDARY.sub(" ", text)
    folded = unicodedata.normalize("NFKD", spaced.lower())
    plain = "".join(char for char in folded if not unicodedata.combining(char))
    return {_singular(word) for word in _WORD.findall(plain) if word not in STOPWORDS and len(word) > 1}


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word
