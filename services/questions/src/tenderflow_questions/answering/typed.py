"""The shortest span of the asked-for type in a window of text: a date, an amount, a duration, a quantity, a
person's name, a telephone number or a short phrase. Each reader returns (answer, start, end) or None."""

from __future__ import annotations

import re
from collections.abc import Callable

from tenderflow_common.contracts.workspace import AnswerKind
from tenderflow_questions.answering.dates import find_dates
from tenderflow_questions.answering.money import find_money
from tenderflow_questions.answering.spans import Span, read_organisation

TypedReader = Callable[[str], Span | None]

MAX_PHRASE_CHARS = 80

_UNITS = (
    r"(?:calendar |working |business )?(?:days?|weeks?|months?|years?)|(?:dias?|semanas?|meses|mês|anos?)"
    r"(?: (?:corridos|úteis|uteis|naturales|hábiles))?|días?|años?|дн(?:я|ей|ень)|недел\w*|месяц\w*|лет|год\w*"
    r"|tage?n?|wochen?|monate?n?|jahre?n?|jours?|mois|ans?"
)
_NUMBER_WORD = r"one|two|three|four|five|six|seven|eight|nine|ten|twelve|eighteen|twenty|thirty|sixty|ninety"
_DURATION = re.compile(rf"\b(?:\d{{1,4}}|{_NUMBER_WORD})(?:\s*\([^)\n]{{1,25}}\))?[\s-]*(?:{_UNITS})\b", re.I)
_LOOKING_BACK = re.compile(
    r"\b(?:last|past|preceding|previous|prior|últimos|últimas|ultimos|ultimas|anteriores|последние|последних)"
    r"(?:\s+(?:consecutive|financial|calendar|fiscal))*\s*$",
    re.I,
)
PLAIN_AMOUNT = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,\s]\d{3})*[.,]\d{2}(?![\d])|(?<![\d.,])\d{4,}[.,]\d{2}(?!\d)")
_QUANTITY = re.compile(r"(?<![\d.,/:-])\d{1,6}(?![\d.,/:]\d)(?!\s*%)")
_PHONE = re.compile(r"\+?\(?\d[\d\s().\-/]{6,18}\d")
_NAME_WORD = r"[A-ZÀ-ÞА-ЯЁ][a-zß-ÿа-яё'’]+|[A-ZÀ-ÞА-ЯЁ]{2,}"
_CONNECTOR = r"(?:da|de|do|dos|das|del|la|y|e|van|von|der)"
_PERSON = re.compile(
    rf"(?<![\w.])(?:{_NAME_WORD})(?:\s+(?:{_CONNECTOR}\s+)?(?:{_NAME_WORD}|[A-ZА-Я]\.)){{1,5}}(?![\w])"
)
# Words that begin capitalised names of bodies, places and documents rather than of people.
_NOT_PERSON = re.compile(
    r"^(?:the|a|o|el|la|de|do|da|s\.?r\.?a?\.?|sr|dr|mr|ms|mrs|dº|d\.?|prefeitura|universidade|ministério|ministry"
    r"|government|department|office|secretaria|câmara|edital|lei|rua|avenida|calle|plaza|praça|campus|city"
    r"|municipal|federal|estado|state|contracting|senior|agente|pregoeir|gestor|técnico|tecnico|prefeito|ул"
    r"|г|управлени|департамент|министерств|начальник)\b",
    re.I,
)
# Words after which a place is written: `entregues no seguinte endereço: ...`, `по адресу: ...`.
_PLACE_CUE = re.compile(
    r"(?:endereço|address|adresse|адрес\w*|dirección|domicilio|local|lugar|место|sede|ort)\b"
    r"(?:\s+(?:eletrônico|eletronico|electrónico|electronico|electronic|web|virtual|электронн\w*))?\s*:?",
    re.I,
)
# Words of a body's name wherever they stand (`Centro Especial de Empleo`): a person's name has none of them.
_BODY_WORDS = re.compile(
    r"\b(?:centro|center|centre|servicio|servicios|service|services|empresa|company|fundación|fundação|foundation"
    r"|instituto|institute|council|consejo|conselho|comité|committee|comisión|comissão|commission|agency|agencia"
    r"|agência|junta|diputación|secretaría|administración|administração|administration|empleo|ltd|inc|gmbh|s\.a)\b",
    re.I,
)
# Capitalised words of form labels (`Point of Contact Name, Email and Phone Number`), not of people.
_FORM_WORDS = re.compile(
    r"\b(?:phone|telephone|number|e-?mail|name|address|fax|date|signature|nome|telefone|endereço|assinatura"
    r"|município|municipio|prefeitura|ayuntamiento|estado|state|república|county|district|sistema|system"
    r"|contract|contrato|responsable|responsável|unidad|unidade|officer|manager|gestor|договор"
    r"|nombre|teléfono|dirección|firma|телефон|адрес|подпись)\b",
    re.I,
)
_PHRASE_START = re.compile(r"^[\s:–—\-|.,]*(?:(?:is|are|será|serão|es|são|é|est|ist|будет)\s+)?")
# A phrase ends at a sentence end, not at an abbreviation's dot (`г. Минск`, `ул.`, `Av.`).
_PHRASE_END = re.compile(r"(?<=\w{3})[.;](?:\s|$)|;\s|\s\|\s|\n|\s{3,}")


def read_date(window: str) -> Span | None:
    dates = find_dates(window)
    return (dates[0].iso, dates[0].start, dates[0].end) if dates else None


def read_amount(window: str) -> Span | None:
    money = find_money(window)
    if money:
        found = money[0]
        return " ".join(window[found.start : found.end].split()), found.start, found.end
    plain = PLAIN_AMOUNT.search(window)
    return (plain.group(0), plain.start(), plain.end()) if plain else None


def read_duration(window: str) -> Span | None:
    """The first period that lies ahead; `for the last three years` looks back at a bidder's experience."""
    for found in _DURATION.finditer(window):
        if not _LOOKING_BACK.search(window[max(0, found.start() - 30) : found.start()]):
            return " ".join(found.group(0).split()), found.start(), found.end()
    return None


def read_quantity(window: str) -> Span | None:
    for found in _QUANTITY.finditer(window):
        before = window[max(0, found.start() - 4) : found.start()].rstrip().lower()
        if not before.endswith(("№", "nº", "n°", "no.", "#")):
            return found.group(0), found.start(), found.end()
    return None


def read_person(window: str) -> Span | None:
    for found in _PERSON.finditer(window):
        name = found.group(0)
        while _NOT_PERSON.match(name):
            name = name.split(" ", 1)[1] if " " in name else ""
        if len(name.split()) >= 2 and not _FORM_WORDS.search(name) and not _BODY_WORDS.search(name):
            start = found.start() + found.group(0).index(name)
            return name, start, start + len(name)
    return None


def read_phone(window: str) -> Span | None:
    found = _PHONE.search(window)
    if not found or sum(char.isdigit() for char in found.group(0)) < 7:
        return None
    return found.group(0).strip(), found.start(), found.end()


def read_phrase(window: str) -> Span | None:
    lead = _PHRASE_START.match(window)
    start = lead.end() if lead else 0
    end_match = _PHRASE_END.search(window, start)
    end = end_match.start() if end_match else len(window)
    phrase = window[start:end].strip()
    if len(phrase) > MAX_PHRASE_CHARS:
        cut = phrase.rfind(" ", 0, MAX_PHRASE_CHARS)
        phrase = phrase[: cut if cut > 0 else MAX_PHRASE_CHARS]
    phrase = phrase.strip(" ,:-–_")  # a trailing underscore is a form's blank line, not the value
    if len(phrase) < 2 or not any(char.isalnum() for char in phrase):
        return None
    return phrase, start, start + len(phrase)


def read_place(window: str) -> Span | None:
    """A short phrase after a place word when the line has one (`endereço: X`), else right after the subject."""
    line_end = window.find("\n")
    cue = _PLACE_CUE.search(window, 0, line_end if line_end != -1 else len(window))
    if cue is None:
        return read_phrase(window)
    span = read_phrase(window[cue.end() :])
    return (span[0], cue.end() + span[1], cue.end() + span[2]) if span else None


def read_name(window: str) -> Span | None:
    return read_organisation(window, len(window) - len(window.lstrip(" :–-")))


# Words that announce a value of the kind; a span right after one is better evidence than a bare one.
ANNOUNCING: dict[AnswerKind, re.Pattern[str]] = {
    AnswerKind.PLACE: _PLACE_CUE,
    AnswerKind.PERSON: re.compile(
        r"\b(?:sr\.?|sra\.?|servidora?|senhora?|señora?|nome|name|mr\.?|ms\.?|лица|лицо|ф\.?и\.?о\.?|contact)\b",
        re.I,
    ),
}

READERS: dict[AnswerKind, TypedReader] = {
    AnswerKind.DATE: read_date,
    AnswerKind.MONEY: read_amount,
    AnswerKind.DURATION: read_duration,
    AnswerKind.QUANTITY: read_quantity,
    AnswerKind.PERSON: read_person,
    AnswerKind.PHONE: read_phone,
    AnswerKind.PLACE: read_place,
    AnswerKind.NAME: read_name,
    AnswerKind.TEXT: read_phrase,
}
