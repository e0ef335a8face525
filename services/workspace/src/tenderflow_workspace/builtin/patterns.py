"""Regular expressions for the typed facts retrieval spots in chunks: dates, money, codes, parties, procedures.

E-mail addresses, CPV codes, currency codes and month names are shared with answering (tenderflow_common.patterns),
and so are the cue phrases per fact and language (tenderflow_common.vocabulary), matched on folded text.
Key patterns match normalized field keys: lowercase, list indices removed, as in `tender.tenderperiod.enddate` or
`procedure/date_receipt_tenders`.
"""

from __future__ import annotations

import re

from tenderflow_common import vocabulary
from tenderflow_common.patterns import CURRENCY_CODES, MONTH_NAMES

DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?"
    r"|\b\d{1,2}[./]\d{1,2}[./]\d{4}\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th|er|º|\.)?\s+(?:de\s+)?(?:{MONTH_NAMES})\.?,?\s+(?:de\s+|del\s+)?\d{{4}}\b"
    rf"|\b(?:{MONTH_NAMES})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b",
    re.I,
)
COMPACT_DATE = re.compile(r"\b(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\b")

# Deadline words in English, German and French field keys and labels; prose in any language uses the vocabulary.
DEADLINE_CUE = re.compile(
    r"deadline|closing|closes|close of|submission|submit|receipt of tenders|lodg|due date"
    r"|tenders? must be received|frist|schlusstermin|einreichung|angebotsabgabe|date limite"
    r"|remise des offres|réception des offres|dépôt des offres|échéance",
    re.I,
)
PROSE_DEADLINE_CUE = vocabulary.cue_pattern({**vocabulary.DEADLINE, **{
    f"{language}-opening": cues for language, cues in vocabulary.OPENING.items()
}})
OTHER_DEADLINE_CUE = vocabulary.cue_pattern(vocabulary.OTHER_DEADLINE)
VALUE_CUE = vocabulary.cue_pattern(vocabulary.VALUE)
NOT_VALUE_CUE = vocabulary.cue_pattern(vocabulary.NOT_VALUE)
CRITERIA_CUE = vocabulary.cue_pattern(vocabulary.CRITERIA)
AWARD_BASIS = vocabulary.cue_pattern({"any": tuple(phrase for _, phrase in vocabulary.AWARD_BASES)})
DEADLINE_KEY = re.compile(
    r"date_receipt_tenders$|dt_date_for_submission$|tenderperiod\.enddate$|deadline|closing", re.I
)

_CURRENCY_CODES = "|".join(CURRENCY_CODES)
_SYMBOL = (
    r"€|£|₹|\$|\bRs\b\.?|\bбел\.\s?руб\.|\bбелорусских рублей\b|\bруб(?:\.|лей\b)"
    r"|\beuros?\b|\breais\b|\brupees\b|\bdollars\b|\bdólares\b"
)
_NUMBER = r"\d[\d,.'\u00a0\u202f ]*\d|\d"
_SCALE = r"(?:\s?(?:million|mio\.?|mn|m|bn|billion|lakhs?|crores?|k)\b)?"
# A table cell may hold the currency and the next line the amount.
_GAP = r"[ \t\u00a0]?\n?[ \t\u00a0]?"
MONEY = re.compile(
    rf"(?:{_SYMBOL}|\b(?:{_CURRENCY_CODES})\b){_GAP}(?:{_NUMBER}){_SCALE}"
    rf"|\b(?:{_NUMBER}){_SCALE}{_GAP}(?:{_SYMBOL}|\b(?:{_CURRENCY_CODES})\b)",
    re.I,
)
CURRENCY = re.compile(rf"€|£|₹|R\$|\bRs\.|\b(?:{_CURRENCY_CODES})\b")
MONEY_KEY = re.compile(r"(?:^|[./])(?:val_[a-z_]*|value|amount|budget)$")
AWARDED_KEY = re.compile(r"award_contract/|(?:^|\.)(?:awards|contracts)\.")
NOT_APPLICABLE = re.compile(r"\s*(?:not applicable|n/?a|none)?\s*", re.I)
NUMERIC_VALUE = re.compile(r"\s*-?\d+(?:\.\d+)?\s*")

CODE_KEY = re.compile(r"cpv_code/@code$|original_cpv/@code$|classification\.id$")

BUYER_KEY = re.compile(
    r"address_contracting_body/officialname$|aa_name$|(?:^|\.)buyer\.name(?:_[a-z]{2})?$|procuringentity\.name$"
)
BUYER_ROLE = re.compile(r"parties(?:\[\d+\])*\.roles(?:\[\d+\])*(?:\.value)?:\s*(?:buyer|procuringEntity)\b")
BUYER_LABEL = re.compile(
    r"\b(?:buyer|contracting (?:authority|entity)|procuring entity|purchaser|auftraggeber|vergabestelle"
    r"|pouvoir adjudicateur|acheteur|entité adjudicatrice)\s*[:\-–]\s*(?P<name>[^\n;]{3,120})",
    re.I,
)

PROCEDURE_KEY = re.compile(r"(?:^|/)pt_[a-z_]+$|procurementmethod(?:details)?$|(?:^|/)pr_proc$")
PROCEDURE_PHRASE = re.compile(
    r"\b(?:open|restricted|negotiated) procedure|competitive dialogue|innovation partnership"
    r"|offenes verfahren|verhandlungsverfahren|procédure (?:ouverte|restreinte|négociée)",
    re.I,
)
# Procedure names in any language (pregão eletrônico, procedimiento abierto, запрос ценовых предложений).
PROCEDURE_NAME = vocabulary.cue_pattern({"any": tuple(phrase for _, _, phrase in vocabulary.PROCEDURES)})

LOT_KEY = re.compile(r"(?:^|/)lot_no$|(?:^|/)(?:no_)?lot_division$|(?:^|\.)lots\.")
LOT_PHRASE = re.compile(r"\blots?\s+(?:no\.?\s*)?\d+\b|\b(?:divided|split) into \w+ lots\b", re.I)
# Numbered lots and lot counts in any language (Lote 1, LOTE II, по лоту № 6, Nº de Lotes: 2), on folded text.
LOT_NAME = vocabulary.cue_pattern({"number": (vocabulary.LOT_NUMBER,), **vocabulary.LOT_COUNT})

STRUCTURED_KEY = re.compile(r"^\s*(?P<key>[\w\[\]./@-]+)(?::(?:\s|$)|$)")


def normalize_key(key: str) -> str:
    """Lowercase a field key and drop list indices and versioned-release wrappers."""
    without_versions = re.sub(r"(?:\[\d+\])+\.value$", "", key.strip())
    return re.sub(r"\[\d+\]", "", without_versions).lower()
