"""The tender as the EU's TED exports a contract notice: schema R2.0.9, form F02, in English."""

from __future__ import annotations

from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

from sample_tender.facts import (
    ADDRESS,
    BUYER,
    CRITERIA,
    DEADLINE_DATE,
    DEADLINE_TIME,
    DESCRIPTION,
    EMAIL,
    LOTS,
    MAIN_CPV,
    MAIN_CPV_LABEL,
    NUTS,
    OPENING_DATE,
    OPENING_TIME,
    PORTAL,
    PRICE_WEIGHT,
    PUBLISHED,
    QUESTIONS_CLOSE,
    REFERENCE,
    TITLE,
    TOTAL_CENTS,
    TOWN,
    WEBSITE,
    Lot,
    long_date,
)

TED_NS = "http://publications.europa.eu/resource/schema/ted/R2.0.9/publication"
NUTS_NS = "http://publications.europa.eu/resource/schema/ted/2021/nuts"
# The OJ S publication this notice pretends to be; TED numbers notices per year.
NOTICE_NUMBER, OJ_NUMBER, PUBLICATION_DAY = "140512-2023", "051", "20230313"
LINKS = ("XML_SCHEMA_DEFINITION_LINK", "OFFICIAL_FORMS_LINK", "FORMS_LABELS_LINK", "ORIGINAL_CPV_LINK",
         "ORIGINAL_NUTS_LINK")
# Titles in other languages are the CPV label in that language, as TED's translations are.
TRANSLATED_TITLES = (
    ("DE", "Irland", "Hafenbauarbeiten"),
    ("EN", "Ireland", MAIN_CPV_LABEL),
    ("FR", "Irlande", "Travaux de construction portuaire"),
    ("GA", "Éire", "Oibreacha tógála cuain"),
)


class Element(NamedTuple):
    tag: str
    attributes: dict[str, str]
    children: tuple[Element | str, ...]


def el(tag: str, *children: Element | str, **attributes: str) -> Element:
    return Element(tag, attributes, children)


def render(element: Element, depth: int = 0) -> str:
    """Indented like TED's own exports: three spaces a level, text inline, empty elements self-closed."""
    pad = "   " * depth
    attributes = "".join(f" {name}={quoteattr(value)}" for name, value in element.attributes.items())
    if not element.children:
        return f"{pad}<{element.tag}{attributes}/>\n"
    if all(isinstance(child, str) for child in element.children):
        text = escape("".join(str(child) for child in element.children))
        return f"{pad}<{element.tag}{attributes}>{text}</{element.tag}>\n"
    inner = "".join(render(child, depth + 1) for child in element.children if isinstance(child, Element))
    return f"{pad}<{element.tag}{attributes}>\n{inner}{pad}</{element.tag}>\n"


def ted_xml() -> bytes:
    root = el(
        "TED_EXPORT",
        el("TECHNICAL_SECTION", el("RECEPTION_ID", "23-140512-001"), el("DELETION_DATE", "20230421"),
           el("FORM_LG_LIST", "EN "), el("COMMENTS", "From Convertor")),
        el("LINKS_SECTION", *(el(tag, **{"xlink:type": "simple", "xlink:href": "http://ted.europa.eu"})
                              for tag in LINKS)),
        _coded_data(),
        el("TRANSLATION_SECTION",
           el("ML_TITLES", *(el("ML_TI_DOC", el("TI_CY", country), el("TI_TOWN", TOWN),
                                el("TI_TEXT", el("P", text)), LG=language)
                             for language, country, text in TRANSLATED_TITLES)),
           el("ML_AA_NAMES", el("AA_NAME", BUYER, LG="EN"))),
        el("FORM_SECTION", _form()),
        **{"xmlns": TED_NS, "xmlns:n2021": NUTS_NS, "xmlns:xlink": "http://www.w3.org/1999/xlink",
           "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
           "xsi:schemaLocation": f"{TED_NS} TED_EXPORT.xsd",
           "VERSION": "R2.0.9.S05.E01", "DOC_ID": NOTICE_NUMBER, "EDITION": f"2023{OJ_NUMBER}"},
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + render(root)).encode("utf-8")


def _coded_data() -> Element:
    total = str(TOTAL_CENTS // 100)
    return el(
        "CODED_DATA_SECTION",
        el("REF_OJS",
           el("COLL_OJ", "S"), el("NO_OJ", OJ_NUMBER.lstrip("0")), el("DATE_PUB", PUBLICATION_DAY)),
        el("NOTICE_DATA",
           el("NO_DOC_OJS", f"2023/S {OJ_NUMBER}-{NOTICE_NUMBER.split('-')[0]}"),
           el("URI_LIST", el("URI_DOC", f"http://ted.europa.eu/udl?uri=TED:NOTICE:{NOTICE_NUMBER}:TEXT:EN:HTML",
                             LG="EN")),
           el("LG_ORIG", "EN"), el("ISO_COUNTRY", VALUE="IE"), el("IA_URL_GENERAL", WEBSITE),
           el("ORIGINAL_CPV", MAIN_CPV_LABEL, CODE=MAIN_CPV[:8]),
           *(el("ORIGINAL_CPV", lot.cpv_label, CODE=lot.cpv[:8]) for lot in LOTS),
           el("n2021:PERFORMANCE_NUTS", "Mid-West", CODE=NUTS),
           el("n2021:CA_CE_NUTS", "Mid-West", CODE=NUTS),
           el("VALUES", el("VALUE", total, TYPE="ESTIMATED_TOTAL", CURRENCY="EUR"))),
        el("CODIF_DATA",
           el("DS_DATE_DISPATCH", PUBLISHED.strftime("%Y%m%d")),
           el("DT_DATE_FOR_SUBMISSION", f"{DEADLINE_DATE.replace('-', '')} {DEADLINE_TIME}"),
           el("AA_AUTHORITY_TYPE", "Body governed by public law", CODE="6"),
           el("TD_DOCUMENT_TYPE", "Contract notice", CODE="3"),
           el("NC_CONTRACT_NATURE", "Works", CODE="1"),
           el("PR_PROC", "Open procedure", CODE="1"),
           el("RP_REGULATION", "European Union, with participation by GPA countries", CODE="5"),
           el("TY_TYPE_BID", "Submission for one or more lots", CODE="3"),
           el("AC_AWARD_CRIT", "The most economic tender", CODE="2"),
           el("MA_MAIN_ACTIVITIES", "Other", CODE="Z"),
           el("HEADING", "01A04"), el("INITIATOR", "01")),
    )


def _form() -> Element:
    return el(
        "F02_2014",
        el("LEGAL_BASIS", VALUE="32014L0024"),
        _contracting_body(),
        el("OBJECT_CONTRACT",
           el("TITLE", el("P", TITLE)),
           el("REFERENCE_NUMBER", REFERENCE),
           el("CPV_MAIN", el("CPV_CODE", CODE=MAIN_CPV[:8])),
           el("TYPE_CONTRACT", CTYPE="WORKS"),
           el("SHORT_DESCR", el("P", DESCRIPTION)),
           el("VAL_ESTIMATED_TOTAL", str(TOTAL_CENTS // 100), CURRENCY="EUR"),
           el("LOT_DIVISION", el("LOT_ALL")),
           *(_lot(lot) for lot in LOTS)),
        el("LEFTI",
           el("SUITABILITY", el("P", "As stated in the procurement documents.")),
           el("ECONOMIC_FINANCIAL_INFO",
              el("P", "Minimum annual turnover and insurance as stated in the procurement documents.")),
           el("TECHNICAL_PROFESSIONAL_INFO",
              el("P", "At least two completed marine works contracts of similar nature in the last five "
                      "years."))),
        el("PROCEDURE",
           el("PT_OPEN"),
           el("CONTRACT_COVERED_GPA"),
           el("DATE_RECEIPT_TENDERS", DEADLINE_DATE),
           el("TIME_RECEIPT_TENDERS", DEADLINE_TIME),
           el("LANGUAGES", el("LANGUAGE", VALUE="EN")),
           el("DURATION_TENDER_VALID", "6", TYPE="MONTH"),
           el("OPENING_CONDITION",
              el("DATE_OPENING_TENDERS", OPENING_DATE), el("TIME_OPENING_TENDERS", OPENING_TIME),
              el("PLACE", el("P", f"{ADDRESS}, {TOWN}")))),
        el("COMPLEMENTARY_INFO",
           el("NO_RECURRENT_PROCUREMENT"),
           el("EORDERING"),
           el("INFO_ADD",
              el("P", f"Clarification questions through the tender portal by {long_date(QUESTIONS_CLOSE)}.")),
           el("ADDRESS_REVIEW_BODY",
              el("OFFICIALNAME", "The High Court"), el("ADDRESS", "Four Courts, Inns Quay"),
              el("TOWN", "Dublin 7"), el("COUNTRY", VALUE="IE")),
           el("DATE_DISPATCH_NOTICE", PUBLISHED.date().isoformat())),
        CATEGORY="ORIGINAL", FORM="F02", LG="EN",
    )


def _contracting_body() -> Element:
    return el(
        "CONTRACTING_BODY",
        el("ADDRESS_CONTRACTING_BODY",
           el("OFFICIALNAME", BUYER), el("ADDRESS", ADDRESS), el("TOWN", TOWN), el("COUNTRY", VALUE="IE"),
           el("CONTACT_POINT", "Procurement Office"), el("E_MAIL", EMAIL), el("n2021:NUTS", CODE=NUTS),
           el("URL_GENERAL", WEBSITE)),
        el("DOCUMENT_FULL"),
        el("URL_DOCUMENT", PORTAL),
        el("ADDRESS_FURTHER_INFO_IDEM"),
        el("URL_PARTICIPATION", PORTAL),
        el("CA_TYPE", VALUE="BODY_PUBLIC"),
        el("CA_ACTIVITY_OTHER", "Port and harbour management"),
    )


def _lot(lot: Lot) -> Element:
    """One OBJECT_DESCR: the lot's title, number, CPV code, description, criteria, value and duration."""
    quality = (el("AC_QUALITY", el("AC_CRITERION", name), el("AC_WEIGHTING", str(weight)))
               for name, weight in CRITERIA)
    return el(
        "OBJECT_DESCR",
        el("TITLE", el("P", lot.title)),
        el("LOT_NO", str(lot.number)),
        el("CPV_ADDITIONAL", el("CPV_CODE", CODE=lot.cpv[:8])),
        el("n2021:NUTS", CODE=NUTS),
        el("MAIN_SITE", el("P", f"{TOWN} Harbour")),
        el("SHORT_DESCR", el("P", lot.description)),
        el("AC", *quality, el("AC_PRICE", el("AC_WEIGHTING", str(PRICE_WEIGHT)))),
        el("VAL_OBJECT", str(lot.value // 100), CURRENCY="EUR"),
        el("DURATION", str(lot.months), TYPE="MONTH"),
        el("NO_RENEWAL"),
        el("NO_ACCEPTED_VARIANTS"),
        el("NO_OPTIONS"),
        el("NO_EU_PROGR_RELATED"),
        ITEM=str(lot.number),
    )
