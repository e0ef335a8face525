"""Typed signals spot the facts procurement questions ask for, in fields and prose, in several languages."""

from __future__ import annotations

import pytest

from tenderflow_common.contracts.workspace import AnswerKind
from tenderflow_workspace.builtin.signals import SignalKind, boosts_for, detect_signals


def _kinds(text: str) -> dict[SignalKind, list[str]]:
    found: dict[SignalKind, list[str]] = {}
    for signal in detect_signals(text):
        found.setdefault(signal.kind, []).append(signal.text)
    return found


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("releases[0].tender.tenderPeriod.endDate: 2024-03-01T12:00:00Z", "2024-03-01T12:00:00"),
        ("PROCEDURE/DATE_RECEIPT_TENDERS: 2019-05-02", "2019-05-02"),
        ("CODIF_DATA/DT_DATE_FOR_SUBMISSION: 20190322 15:00", "20190322"),
        ("Closing date for tenders: 2 May 2019 at 12:00", "2 May 2019"),
        ("Tenders must be received by 02/05/2019.", "02/05/2019"),
        ("Angebotsfrist: 02.05.2019, 10:00 Uhr", "02.05.2019"),
        ("Ablauf der Frist am 2. Mai 2019", "2. Mai 2019"),
        ("Date limite de remise des offres : 22 mars 2019", "22 mars 2019"),
        ("Submission deadline is May 2, 2019.", "May 2, 2019"),
    ],
)
def test_dates_near_deadline_words_are_deadlines(text: str, date: str) -> None:
    assert _kinds(text)[SignalKind.DEADLINE] == [date]


@pytest.mark.parametrize(
    "text",
    [
        "COMPLEMENTARY_INFO/DATE_DISPATCH_NOTICE: 2019-02-21",
        "releases[0].tender.tenderPeriod.startDate: 2017-11-30T13:00:00Z",
        "Site visit on 12 April 2019 at the depot.",
        "releases[0].tender.submissionMethodDetails: <p>A long note about the briefing meeting that is"
        " held on the 18th December 2017 at the site office.</p>",
    ],
)
def test_other_dates_are_plain_dates(text: str) -> None:
    kinds = _kinds(text)
    assert SignalKind.DEADLINE not in kinds
    assert len(kinds[SignalKind.DATE]) == 1


@pytest.mark.parametrize(
    ("text", "money"),
    [
        ("The estimated value is EUR 1,500,000 excluding VAT.", "EUR 1,500,000"),
        ("Budget: €250k", "€250k"),
        ("Estimated total value £2.5 million", "£2.5 million"),
        ("Valeur estimée : 1 500 000 EUR HT", "1 500 000 EUR"),
        ("Contract ceiling of $1,234.56", "$1,234.56"),
        ("OBJECT_CONTRACT/VAL_ESTIMATED_TOTAL: 1500000", "1500000"),
        ("releases[0].tender.value.amount: 125000", "125000"),
    ],
)
def test_money_is_found_with_symbols_codes_and_value_fields(text: str, money: str) -> None:
    assert money in _kinds(text)[SignalKind.MONEY]


def test_currency_codes_and_symbols_are_currency_signals() -> None:
    kinds = _kinds("OBJECT_CONTRACT/VAL_TOTAL/@CURRENCY: GBP\nPrice in € only")

    assert kinds[SignalKind.CURRENCY] == ["GBP", "€"]


def test_attribute_named_value_is_not_money() -> None:
    assert SignalKind.MONEY not in _kinds("LEGAL_BASIS/@VALUE: 32014")


def test_email_addresses_are_found_in_fields_and_prose() -> None:
    text = (
        "CONTRACTING_BODY/ADDRESS_CONTRACTING_BODY/E_MAIL: marches@psysudparis.fr\nWrite to buy@city.example."
    )

    assert _kinds(text)[SignalKind.EMAIL] == ["marches@psysudparis.fr", "buy@city.example"]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("OBJECT_CONTRACT/CPV_MAIN/CPV_CODE/@CODE: 45233140", ["45233140"]),
        ("Main CPV code: 45233140-2, additional 34928480-6", ["45233140-2", "34928480-6"]),
        ("releases[0].tender.items[0].classification.id:  72000000", ["72000000"]),
        ("releases[0].contracts[0].items[0].classification.id: N5811", ["N5811"]),
    ],
)
def test_classification_codes_are_found(text: str, codes: list[str]) -> None:
    assert _kinds(text)[SignalKind.CODE] == codes


def test_eight_digit_numbers_without_a_classification_cue_are_not_codes() -> None:
    assert SignalKind.CODE not in _kinds("Phone +45 24696712, file 20190322")


def test_buyer_names_come_from_buyer_fields_labels_and_buyer_parties() -> None:
    text = (
        "CONTRACTING_BODY/ADDRESS_CONTRACTING_BODY/OFFICIALNAME: Stadt Wien\n"
        "COMPLEMENTARY_INFO/ADDRESS_REVIEW_BODY/OFFICIALNAME: Verwaltungsgericht Wien\n"
        "Contracting authority: City of Springfield\n"
        "Auftraggeber: Gemeinde Balzers"
    )

    assert _kinds(text)[SignalKind.BUYER_NAME] == ["Stadt Wien", "City of Springfield", "Gemeinde Balzers"]


def test_party_names_are_buyer_names_only_when_the_party_has_a_buyer_role() -> None:
    buyer = "parties[0].name: Infrastructures, voirie et transports\nparties[0].roles[0]: buyer"
    supplier = "parties[2].name: CENTRE DE TECHNOLOGIE\nparties[2].roles[0]: supplier"

    assert _kinds(buyer)[SignalKind.BUYER_NAME] == ["Infrastructures, voirie et transports"]
    assert SignalKind.BUYER_NAME not in _kinds(supplier)


def test_empty_buyer_name_is_not_a_signal() -> None:
    assert SignalKind.BUYER_NAME not in _kinds("releases[0].buyer.name: ")


def test_procedure_and_lot_markers_are_found() -> None:
    kinds = _kinds("PROCEDURE/PT_OPEN\nOBJECT_CONTRACT/NO_LOT_DIVISION\nThis is a restricted procedure.")

    assert kinds[SignalKind.PROCEDURE] == ["procedure/pt_open", "restricted procedure"]
    assert kinds[SignalKind.LOT] == ["object_contract/no_lot_division"]


def test_not_applicable_procedure_codes_are_ignored() -> None:
    assert SignalKind.PROCEDURE not in _kinds("CODIF_DATA/PR_PROC: Not applicable")


def test_signal_spans_point_at_their_text() -> None:
    text = "language: EN\nPROCEDURE/DATE_RECEIPT_TENDERS: 2019-05-02\nE-mail: x@y.at"

    for signal in detect_signals(text):
        if signal.kind in (SignalKind.DEADLINE, SignalKind.EMAIL):
            assert text[signal.start : signal.end] == signal.text


@pytest.mark.parametrize(
    ("kind", "preferred"),
    [
        (AnswerKind.DATE, SignalKind.DEADLINE),
        (AnswerKind.MONEY, SignalKind.MONEY),
        (AnswerKind.CURRENCY, SignalKind.CURRENCY),
        (AnswerKind.EMAIL, SignalKind.EMAIL),
        (AnswerKind.CODE, SignalKind.CODE),
        (AnswerKind.COUNT, SignalKind.LOT),
        (AnswerKind.NAME, SignalKind.BUYER_NAME),
        (AnswerKind.PROCEDURE, SignalKind.PROCEDURE),
        (AnswerKind.CRITERIA, SignalKind.CRITERIA),
    ],
)
def test_typed_kinds_prefer_their_own_signal(kind: AnswerKind, preferred: SignalKind) -> None:
    boosts = boosts_for(kind)

    assert boosts[preferred] == max(boosts.values()) == 1.0


@pytest.mark.parametrize("kind", [None, AnswerKind.TEXT, AnswerKind.TITLE, AnswerKind.REFERENCE])
def test_free_questions_and_kinds_without_typed_evidence_get_no_boost(kind: AnswerKind | None) -> None:
    assert boosts_for(kind) == {}
