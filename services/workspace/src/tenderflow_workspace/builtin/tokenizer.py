"""A small multilingual tokenizer and procurement synonyms, so field paths and prose in Portuguese, Spanish, Russian,
German or French match plain-language English queries."""

from __future__ import annotations

import re
import unicodedata

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_WORD = re.compile(r"[^\W_]+")

_ENGLISH_STOPWORDS = (
    "a an and are as at be by for from has have in into is it its of on or that the this to was what when "
    "where which who whom with how does do"
)
_GERMAN_STOPWORDS = "der die das den dem des ein eine und oder von zu im ist wer wie"
_FRENCH_STOPWORDS = "le la les un une et ou de du des au aux est qui que quel quelle"
STOPWORDS = frozenset(
    word for words in (_ENGLISH_STOPWORDS, _GERMAN_STOPWORDS, _FRENCH_STOPWORDS) for word in words.split()
)

# Words documents in other languages write for the same facts, appended to the English ones: a question never
# shares a word with "data da sessão pública" or "окончательный срок подачи".
_DEADLINE_WORDS = (
    "prazo", "sessão", "abertura", "recebidas", "plazo", "presentación", "срок", "подачи", "окончательный",
    "angebotsfrist", "remise",
)
_VALUE_WORDS = (
    "valor", "estimado", "presupuesto", "importe", "custo", "стоимость", "ориентировочная", "geschätzter",
    "estimée",
)
_PROCEDURE_WORDS = (
    "modalidade", "pregão", "eletrônico", "procedimiento", "abierto", "процедура", "процедуре", "запроса", "ценовых",
    "rfq", "rfp", "quotation", "bid", "system",
)
_LOT_WORDS = ("lote", "лот", "лоту", "лотов", "лотам", "pool")
_CRITERIA_WORDS = (
    "critério", "julgamento", "criterios", "adjudicación", "критерии", "критериев", "оценки", "evaluation",
    "basis", "lowest",
)
_CURRENCY_WORDS = ("moeda", "moneda", "валюта", "brl", "inr", "byn", "rub", "rs", "rupees", "reais", "руб")

# Query words mapped to the vocabulary documents use for the same fact, including field names.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "deadline": (
        "closing", "receipt", "submission", "end", "period", "frist", "limite", "due", "lodgement", *_DEADLINE_WORDS
    ),
    "closing": ("deadline", "receipt", "end", "period", "submission"),
    "submission": ("deadline", "receipt", "closing", "submit", "end", "period", "lodgement", *_DEADLINE_WORDS),
    "buyer": ("contracting", "authority", "officialname", "procuring", "entity", "purchaser", "auftraggeber"),
    "authority": ("contracting", "buyer", "officialname", "body"),
    "value": ("val", "amount", "estimated", "total", "budget", "wert", "montant", "valeur", *_VALUE_WORDS),
    "currency": ("eur", "gbp", "usd", "cad", "aud", "chf", "dkk", "amount", "val", *_CURRENCY_WORDS),
    "email": ("mail", "contact", "contactpoint", "courriel"),
    "mail": ("email", "contact", "courriel"),
    "contact": ("mail", "email", "phone", "contactpoint", "point"),
    "cpv": ("classification", "code", "main", "additional", "unspsc"),
    "classification": ("cpv", "code", "unspsc", "scheme"),
    "code": ("cpv", "classification"),
    "title": ("titel", "titre", "object", "name"),
    "reference": ("reference_number", "no", "doc", "ojs", "ocid", "id", "solicitation", "number"),
    "procedure": ("pt", "procurement", "method", "verfahren", "proc", *_PROCEDURE_WORDS),
    "lot": ("division", "lose", "los", *_LOT_WORDS),
    "criteria": ("ac", "criterion", "weighting", "award", "zuschlagskriterien", *_CRITERIA_WORDS),
    "criterion": ("ac", "criteria", "weighting"),
    "frist": ("deadline", "receipt", "closing", "end", "date"),
    "angebotsfrist": ("deadline", "receipt", "tender", "closing", "date"),
    "angebot": ("tender",),
    "limite": ("deadline", "receipt", "closing", "end"),
    "reception": ("receipt",),
    "offre": ("tender",),
    "auftraggeber": ("buyer", "contracting", "authority", "officialname"),
    "acheteur": ("buyer", "contracting", "authority", "officialname"),
    "wert": ("value", "val", "amount", "estimated"),
    "valeur": ("value", "val", "amount", "estimated"),
    "courriel": ("email", "mail", "contact"),
    "verfahren": ("procedure", "pt", "proc"),
}


def tokenize(text: str) -> list[str]:
    """Lowercase, accent-folded words; camelCase and SNAKE_CASE paths become their words; plurals folded."""
    spaced = _CAMEL_BOUNDARY.sub(" ", text)
    folded = unicodedata.normalize("NFKD", spaced.lower())
    plain = "".join(char for char in folded if not unicodedata.combining(char))
    return [_fold_plural(word) for word in _WORD.findall(plain) if word not in STOPWORDS]


def expand(tokens: list[str]) -> list[str]:
    """Synonyms of the query tokens that the query does not already contain, in a stable order."""
    present = set(tokens)
    expansion: list[str] = []
    for token in tokens:
        for synonym in SYNONYMS.get(token, ()):
            for word in tokenize(synonym):
                if word not in present:
                    present.add(word)
                    expansion.append(word)
    return expansion


def _fold_plural(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word
