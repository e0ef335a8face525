"""What a free-form question is about: its content words (with their words in other languages) and the row or
section it names (`item 21`, `lot IV`, `line item 0009`), so the answer is read from the passage about them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tenderflow_common.translations import TRANSLATIONS
from tenderflow_questions.answering.text import words

# Words that say what kind of answer is wanted, not what it is about.
_QUESTION_WORDS = frozenset(
    {
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "how",
        "many",
        "much",
        "long",
        "why",
        "name",
        "number",
        "value",
        "amount",
        "date",
        "time",
        "tender",
        "tenderer",
        "bidder",
        "required",
        "must",
        "should",
        "shall",
        "will",
        "held",
        "are",
        "listed",
        "approximately",
        "minimum",
        "maximum",
        "within",
        "after",
        "before",
        "during",
        "from",
        "to",
        "be",
    }
)
# Question words and their words in the document's language, keyed as `words` folds them (`goods` -> `good`).
_TRANSLATIONS = {next(iter(words(word)), word): others for word, others in TRANSLATIONS.items()}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
_NAMED_ROW = re.compile(
    r"\b(?P<noun>line item|item|lot|lote|category|pool|row|position|лот[ау]?|позици[яи])\s*(?:no\.?|n[º°]|№|#)?\s*"
    r"(?P<number>\d{1,5}|[ivx]{1,4}\b|one|two|three)",
    re.I,
)
_WORDS_AS_NUMBERS = {"one": 1, "two": 2, "three": 3}
# A tender's number (`45/2024`) says which notice, not what to read: the notice's lines seldom repeat it.
_TENDER_NUMBER = re.compile(r"\b\d{1,6}/\d{2,4}\b")


@dataclass(frozen=True, slots=True)
class Subject:
    """The question's content words, each with its stems in other languages, and the row number it names."""

    words: tuple[tuple[str, ...], ...]
    noun: str | None
    number: int | None

    @property
    def needed(self) -> int:
        """Lines must share both words of a two-word subject (`site visit`), at least half of a longer one."""
        return len(self.words) if len(self.words) <= 2 else (len(self.words) + 1) // 2


def subject_of(question: str) -> Subject:
    named = _NAMED_ROW.search(question)
    number = _number(named["number"]) if named else None
    noun = fold(named["noun"]) if named else None
    asked = question[: named.start()] + question[named.end() :] if named else question
    content = sorted(words(_TENDER_NUMBER.sub(" ", re.sub(r"\([^)]*\)", " ", asked))) - _QUESTION_WORDS)
    return Subject(tuple((word, *_TRANSLATIONS.get(word, ())) for word in content), noun, number)


def fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in plain if not unicodedata.combining(char))


def shared_words(subject: Subject, text: str) -> dict[int, int]:
    """For each subject word found in `text` (by its position in `subject.words`), where its last occurrence ends."""
    folded = fold(text)
    ends = {}
    for position, forms in enumerate(subject.words):
        best = -1
        for form in forms:
            stem = _stem(fold(form))
            for match in re.finditer(rf"(?<!\w){re.escape(stem)}\w*", folded):
                best = max(best, match.end())
        if best >= 0:
            ends[position] = best
    return ends


def mentions_row(subject: Subject, text: str) -> re.Match[str] | None:
    """Where the text names the question's row or section (`Lote 1`, `по лоту № 2`, `Item: 0009`, `21 |`)."""
    if subject.number is None:
        return None
    for match in _NAMED_ROW.finditer(text):
        if _number(match["number"]) == subject.number:
            return match
    cell = re.search(rf"(?:^|:\s*|\|\s*)0*{subject.number}(?=\s*(?:\||;|$))", text, re.M)
    return cell


def _stem(word: str) -> str:
    """Drop an inflected ending: `entregue` matches `entrega`, `стоимости` matches `стоимость`."""
    if len(word) <= 5:
        return word
    return word[: len(word) - 1] if len(word) <= 8 else word[: int(len(word) * 0.75)]


def _number(text: str) -> int | None:
    lowered = text.lower()
    if lowered.isdigit():
        return int(lowered)
    return _ROMAN.get(lowered) or _WORDS_AS_NUMBERS.get(lowered)
