"""Cue phrases per tender fact and language (en, pt, es, ru, de, fr), kept in one place.

Prose states a fact after words that name it ("closing date", "valor estimado", "окончательный срок"); retrieval
looks for these words to find the passage and answering to find the value that follows them. Phrases are regular
expressions over folded text (`fold`: lowercase, accents removed, one character for one), so "Presentación" and
"PRESENTACION" read alike and match spans point into the original text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

Cues = dict[str, tuple[str, ...]]

DEADLINE: Cues = {
    "en": (
        r"closing (?:date|time)", r"deadline", r"last date (?:and time )?(?:for|of) (?:the )?(?:submission|receipt)",
        r"due date", r"(?:offers?|bids?|tenders?|proposals?|quotes?|quotations?) (?:are )?due",
        r"(?:must|shall|should) be (?:received|submitted)", r"receipt of (?:tenders|bids|offers|proposals|quot\w+)",
        r"submission of (?:tenders|bids|offers|proposals|quot\w+)", r"date of submission", r"lodg",
        r"submission", r"submit", r"received (?:by|no)", r"closes", r"close of",
    ),
    "pt": (
        r"(?:propostas|envelopes) (?:serao )?recebid[ao]s ate", r"recebimento das propostas", r"entrega das propostas",
        r"data limite", r"prazo (?:final )?(?:para|de) (?:o )?(?:envio|entrega|recebimento)",
        r"apresentacao das propostas",
    ),
    "es": (
        r"fecha limite (?:de|para) (?:la )?(?:presentacion|recepcion)", r"plazo de presentacion",
        r"presentacion de (?:la )?oferta", r"se presentaran hasta",
        r"presentacion de (?:las )?(?:ofertas|proposiciones|solicitudes)", r"fin del plazo",
        r"recepcion de (?:ofertas|proposiciones)", r"fecha (?:fin|final) de presentacion",
    ),
    "ru": (
        r"окончательн\w* срок", r"срок\w* (?:подачи|представления|предоставления)",
        r"окончани\w* (?:срока )?(?:приема|подачи)", r"(?:подают|подаются|принимаются) (?:свои )?предложени\w*",
        r"(?:предложени|заяв)\w* (?:принимаются|подаются)",
    ),
    "de": (r"angebotsfrist", r"schlusstermin", r"einreichung", r"angebotsabgabe", r"eingang der angebote", r"frist"),
    "fr": (
        r"date limite", r"remise des (?:offres|plis)", r"reception des (?:offres|plis)", r"depot des (?:offres|plis)",
        r"echeance",
    ),
}
# The opening of tenders or the public session, which in an electronic auction is the tender deadline.
OPENING: Cues = {
    "en": (r"opening of (?:the )?(?:tenders|bids|offers|proposals)", r"bid opening"),
    "pt": (
        r"data (?:e hora )?da sessao publica", r"abertura da sessao(?: publica)?", r"abertura das propostas",
        r"(?:realizacao|inicio) da (?:sessao|disputa)", r"sessao publica",
    ),
    "es": (r"apertura de (?:las )?(?:ofertas|sobres|plicas|proposiciones)",),
    "ru": (r"вскрыти\w* конверт\w*",),
    "de": (r"(?:er)?offnung der angebote", r"submissionstermin"),
    "fr": (r"ouverture des (?:offres|plis)",),
}
# Deadlines and dates of something other than the tenders: questions, document requests, the start of a period.
OTHER_DEADLINE: Cues = {
    "en": (
        r"question", r"clarification", r"enquir", r"inquir", r"site visit", r"meeting", r"briefing",
        r"expression of interest", r"published", r"issued",
    ),
    "pt": (r"esclarecimento", r"impugna", r"inicio (?:de|do) (?:acolhimento|recebimento)", r"publica[cd]"),
    "es": (r"obtencion de pliegos", r"aclaracion", r"consultas", r"publicado", r"ejecucion"),
    "ru": (r"разъяснени", r"поставк", r"проведения процедуры"),
    "de": (r"bieterfrage", r"rueckfrage", r"ruckfrage"),
    "fr": (r"questions?", r"renseignements"),
}
VALUE: Cues = {
    "en": (
        r"estimated (?:total )?(?:contract |procurement )?(?:value|cost|amount|budget)", r"contract value",
        r"total value", r"value of the (?:contract|tender|framework|agreement|procurement)", r"budget",
        r"estimated at", r"valued at", r"estimates?,? but does not guarantee", r"volume of purchases",
        r"approximate (?:contract )?value",
    ),
    "pt": (
        r"valor (?:global |total )?estimado", r"valor total da contratacao", r"valor (?:maximo )?global",
        r"custo estimado(?: total)?", r"estimativa (?:do valor|de custo)", r"valor total", r"orcamento estimado",
        r"preco base",
    ),
    "es": (
        r"valor estimado(?: del contrato)?", r"presupuesto base de licitacion", r"presupuesto (?:maximo|total)",
        r"importe (?:total|maximo|de licitacion)", r"valor total estimado",
    ),
    "ru": (
        r"ориентировочн\w* стоимост\w*", r"начальн\w* (?:\(максимальн\w*\) )?цен\w*", r"общ\w* стоимост\w*",
        r"стоимост\w* (?:предмета )?закупки",
    ),
    "de": (r"auftragswert", r"geschaetzte[rn]? (?:gesamt)?wert", r"geschatzte[rn]? (?:gesamt)?wert", r"gesamtwert"),
    "fr": (r"valeur (?:estimee|totale|du marche)", r"montant (?:estime|total)"),
}
# Amounts that are not the contract's value: fees, securities and guarantees, prices per unit, turnover.
NOT_VALUE: Cues = {
    "en": (
        r"\bfees?\b", r"security", r"\bemd\b", r"earnest money", r"guarantee", r"deposit", r"turnover",
        r"unit (?:price|rate|cost)", r"per (?:item|unit|transaction)", r"insurance", r"penalt",
    ),
    "pt": (r"garantia", r"caucao", r"unitari", r"patrimonio", r"capital social", r"multa", r"intervalo"),
    "es": (r"garantia", r"fianza", r"unitari", r"volumen (?:anual )?de negocios", r"penalidad"),
    "ru": (r"обеспечени", r"гаранти", r"за единицу", r"штраф", r"неустойк"),
    "de": (r"sicherheit", r"buergschaft", r"einheitspreis", r"umsatz"),
    "fr": (r"garantie", r"cautionnement", r"prix unitaire", r"chiffre d'affaires"),
}
CURRENCY: Cues = {
    "en": (r"currency",),
    "pt": (r"moeda",),
    "es": (r"moneda", r"divisa"),
    "ru": (r"валют\w*",),
    "de": (r"waehrung", r"wahrung"),
    "fr": (r"devise", r"monnaie"),
}
# Procedure names as (grouping key, English name, phrase); specific names precede the general ones they contain.
# Kinds of document (request for quotation or proposal) and a bare "pregão" stand in when no procedure is named.
PROCEDURES: tuple[tuple[str, str, str], ...] = (
    ("e-reverse-auction", "Electronic reverse auction", r"pregao,? (?:para registro de precos?,? )?(?:na forma )?"
     r"eletronic[oa]"),
    ("e-reverse-auction", "Electronic reverse auction", r"(?:electronic |e-)reverse auction|электронн\w* аукцион\w*"
     r"|subasta electronica"),
    ("reverse-auction", "Reverse auction", r"pregao presencial"),
    ("auction", "Reverse auction", r"pregao"),
    ("price-quotation", "Request for price quotations", r"запрос\w* ценовых предложений|запрос\w* котировок"),
    ("open", "Open procedure", r"procedimiento abierto(?: simplificado(?: abreviado)?)?|concorrencia(?: publica)?"
     r"|concurso publico"
     r"|открыт\w* конкурс\w*|open tender(?:ing)?|appel d'offres ouvert"),
    ("restricted", "Restricted procedure", r"procedimiento restringido|limited tender(?:ing)?|закрыт\w* конкурс\w*"
     r"|appel d'offres restreint"),
    ("negotiated", "Negotiated procedure", r"procedimiento negociado(?: sin publicidad)?|procedure adaptee"),
    ("two-bid", "Two-bid system", r"two(?:-| )(?:bid|envelope|stage) (?:system|procedure|process)"),
    ("rfq", "Request for quotation", r"request for quot(?:ations?|es?)\b|\brfq\b"),
    ("rfp", "Request for proposal", r"request for proposals?\b|\brfp\b"),
    ("single-source", "Single source", r"single (?:source|tender)|dispensa de licitacao|inexigibilidade"
     r"|contrato menor"),
)
WEAK_NAMES = frozenset({"rfq", "rfp", "auction"})
# Words that introduce a procedure's name: "к процедуре запроса ...", "na modalidade PREGÃO", "Procedure: ...".
PROCEDURE_CUE = r"procedur\w*|procedimiento|процедур\w*|modalidade|verfahren|(?:procurement )?method"
CRITERIA: Cues = {
    "en": (
        r"award criteria", r"evaluation criteria", r"criteria for (?:the )?award", r"basis (?:for|of) (?:the )?award",
        r"evaluation (?:factors|methodology|method)", r"will be awarded to",
        r"(?:evaluation|award)\w* (?:would|will|shall) be (?:based on|made on|determined by)",
    ),
    "pt": (r"criterios? de julgamento", r"criterios? de (?:avaliacao|adjudicacao)", r"julgamento pelo"),
    "es": (r"criterios? de (?:adjudicacion|valoracion|evaluacion)",),
    "ru": (r"критери\w* оценки", r"наименование критериев(?: оценки)?"),
    "de": (r"zuschlagskriterien", r"wertungskriterien"),
    "fr": (r"criteres d'attribution", r"criteres de jugement"),
}
# Award bases named in prose, as (grouping key, phrase).
AWARD_BASES: tuple[tuple[str, str], ...] = (
    ("lowest-price", r"menor preco(?: (?:por|global) ?(?:item|lote|grupo)?)?|lowest (?:price|cost|bid|evaluated)\w*"
     r"|precio mas bajo|наименьш\w* цен\w*|niedrigster preis|moins(?:-| )disant|prix le plus bas|\bl-?1\b"),
    ("highest-discount", r"maior desconto|mayor descuento"),
    ("technique-price", r"tecnica e preco|melhor tecnica"),
    ("meat", r"most economically advantageous(?: tender)?|oferta economica(?:mente)? mas ventajosa"
     r"|mejor relacion calidad(?:-| )precio|wirtschaftlichste\w* angebot|offre economiquement la plus avantageuse"
     r"|mieux(?:-| )disant"),
    ("best-value", r"best value(?: tradeoff| trade-off)?"),
)
LOTS: Cues = {
    "en": (r"lots?", r"pools?"),
    "pt": (r"lotes?",),
    "es": (r"lotes?",),
    "ru": (r"лот\w*",),
    "de": (r"los(?:e|en)?",),
    "fr": (r"lots?",),
}
# Words that state how many lots there are: "Nº de Lotes: 2", "number of lots: 3", "количество лотов: 6".
LOT_COUNT: Cues = {
    "en": (r"number of lots",),
    "pt": (r"(?:n[ºo°]\.?|numero|quantidade) de lotes",),
    "es": (r"(?:n[ºo°]\.?|numero) de lotes",),
    "ru": (r"количеств\w* лотов",),
    "de": (r"anzahl der lose",),
    "fr": (r"nombre de lots",),
}
# Lot headings with their number: "Lote 1:", "LOTE II -", "по лоту № 6", "Lot 3".
# German "Los" only with its "Nr.", since Spanish "los" is an article ("los 10 días").
LOT_NUMBER = (
    r"\b(?:(?:lot|lote|лот\w*|pool)\s*(?:n[ºo°]\.?|no\.?|nr\.?|№|number)?|los[-\s]*(?:nr\.?|n[ºo°]\.?|№))\s*"
    r"(?P<n>\d{1,3}|[ivx]{1,5}|one|two|three|four|five|six|seven|eight|nine|ten)\b(?:\s?[-–]\s?(?P<last>\d{1,3})\b)?"
)


class _FoldTable(dict[int, str]):
    """`str.translate` table that folds each character the first time it is seen."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lowercase without accents, one character for one, so a match in the folded text spans the original."""
    return text.translate(_FOLD_TABLE)


@cache
def _fold_char(char: str) -> str:
    lower = char.lower()
    if len(lower) != 1:
        return char
    base = unicodedata.normalize("NFD", lower)[0]
    return base if base.isalnum() or lower == base else lower


def alternation(cues: Cues | tuple[str, ...]) -> str:
    """One regular expression alternation of every phrase, longest first, its letters folded like the text."""
    phrases = [phrase for group in cues.values() for phrase in group] if isinstance(cues, dict) else list(cues)
    ordered = sorted(phrases, key=len, reverse=True)
    # Page text breaks lines anywhere, so a space in a phrase stands for any run of whitespace.
    return "|".join(fold_letters(phrase).replace(" ", r"\s+") for phrase in ordered)


def fold_letters(pattern: str) -> str:
    """Fold the non-ASCII letters of a pattern (й to и) and leave its ASCII syntax (`\\W`) alone."""
    return "".join(_fold_char(char) if ord(char) > 127 else char for char in pattern)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def cue_pattern(cues: Cues) -> re.Pattern[str]:
    """The phrases of a vocabulary as one pattern over folded text, starting at a word boundary."""
    return _compiled(rf"(?<!\w)(?:{alternation(cues)})")


def find_cues(cues: Cues, text: str) -> list[re.Match[str]]:
    """Every cue phrase in text (matched on its folded form; spans point into text)."""
    return list(cue_pattern(cues).finditer(fold(text)))
