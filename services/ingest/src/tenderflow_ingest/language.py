"""Which language a document is written in, told by its most frequent function words.

Tenders come in a handful of languages, and a few hundred words of running text settle which: the language whose
common words (articles, prepositions, procurement terms) occur most often. Words two of these languages share
("de", "la", "por", "des", "das") are left out of both lists, so they cannot tip the balance.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

# ISO 639-1 codes.
LANGUAGES = ("en", "pt", "es", "ru", "de", "fr")
_STOPWORDS = {
    "en": frozenset({"the", "and", "of", "to", "for", "shall", "with", "is", "be", "are", "by", "this", "tender",
                     "which", "will", "from", "that", "or", "contract", "supplier"}),
    "pt": frozenset({"da", "do", "dos", "nos", "não", "ao", "pela", "pelo", "com", "uma", "são", "licitação",
                     "edital", "prefeitura", "município", "em", "os", "às", "contratação", "empresa"}),
    "es": frozenset({"el", "los", "las", "del", "y", "con", "una", "según", "pliego", "contratación", "al", "lo",
                     "su", "sus", "entre", "licitación", "contrato", "mediante", "también", "órgano"}),
    "ru": frozenset({"и", "в", "на", "с", "по", "для", "не", "от", "к", "о", "или", "что", "закупки", "услуг",
                     "договора", "поставщик", "участник", "это", "при", "заказчик"}),
    "de": frozenset({"der", "die", "sich", "und", "den", "dem", "nicht", "mit", "für", "von", "ist", "auf",
                     "eine", "einer", "werden", "wird", "zu", "bei", "vergabe", "auftrag"}),
    "fr": frozenset({"le", "les", "et", "du", "une", "est", "pour", "dans", "sur", "aux", "au", "par", "qui",
                     "être", "marché", "offre", "candidat", "sont", "ce", "cette"}),
}
_LANGUAGE_OF = {word: language for language, words in _STOPWORDS.items() for word in words}
_WORD = re.compile(r"[^\W\d_]+")
# Enough running text to decide; reading a 100,000-row export to the end would add nothing.
_WORDS_READ = 20_000
_MIN_SCORE = 3.0


def detect_language(texts: Iterable[str], among: Iterable[str] = LANGUAGES) -> str | None:
    """The language (of among) whose common words are most frequent in texts; None when too few words count.

    Each common word counts by the square root of its occurrences, so a word another language happens to share
    (Danish "da", repeated in every heading) weighs less than several different words of the language.
    """
    languages = set(among)
    occurrences: Counter[str] = Counter()
    read = 0
    for text in texts:
        words = _WORD.findall(text.lower())
        occurrences.update(word for word in words if _LANGUAGE_OF.get(word) in languages)
        read += len(words)
        if read >= _WORDS_READ:
            break
    scores = dict.fromkeys(languages, 0.0)
    for word, count in occurrences.items():
        scores[_LANGUAGE_OF[word]] += math.sqrt(count)
    best = max(sorted(scores), key=scores.__getitem__, default=None)
    return best if best is not None and scores[best] >= _MIN_SCORE else None
