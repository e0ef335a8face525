"""Dates and amounts are read in the forms tenders use and normalized exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tenderflow_questions.answering.dates import find_dates, with_time
from tenderflow_questions.answering.money import find_money, format_money, parse_amount


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2018-01-22T23:30:00Z", "2018-01-22T23:30:00Z"),
        ("2017-05-27T00:00:00-04:00", "2017-05-27T00:00:00-04:00"),
        ("2019-05-02", "2019-05-02"),
        ("2 May 2019", "2019-05-02"),
        ("May 2, 2019", "2019-05-02"),
        ("18th December 2017", "2017-12-18"),
        ("02/05/2019", "2019-05-02"),
        ("13/05/2019", "2019-05-13"),
        ("05/13/2019", "2019-05-13"),
        ("02.05.2019", "2019-05-02"),
        ("2. Mai 2019", "2019-05-02"),
        ("22 mars 2019", "2019-03-22"),
        ("1er août 2019", "2019-08-01"),
        ("Closing date: 2 May 2019 at 12:00", "2019-05-02T12:00:00"),
        ("received by 12:00 noon on 2 May 2019", "2019-05-02T12:00:00"),
        ("received by 2:30 pm, 3 June 2020", "2020-06-03T14:30:00"),
        ("02.05.2019, 10:00 Uhr", "2019-05-02T10:00:00"),
    ],
)
def test_dates_are_normalized_to_iso(text: str, iso: str) -> None:
    assert [found.iso for found in find_dates(text)] == [iso]


def test_compact_dates_are_read_only_when_asked() -> None:
    assert find_dates("20190322 15:00") == []
    assert [found.iso for found in find_dates("20190322 15:00", compact=True)] == ["2019-03-22T15:00:00"]


@pytest.mark.parametrize("text", ["2019-02-30", "31.04.2019", "45233140", "1 500 000 EUR", "version 2.1"])
def test_impossible_or_non_dates_are_ignored(text: str) -> None:
    assert find_dates(text) == []


def test_date_spans_point_at_the_text() -> None:
    text = "Deadline: 2 May 2019."
    found = find_dates(text)[0]

    assert text[found.start : found.end] == "2 May 2019"


def test_a_separate_time_joins_its_date() -> None:
    assert with_time("2019-03-22", "15:00") == "2019-03-22T15:00:00"
    assert with_time("2019-03-22", "noon") == "2019-03-22"
    assert with_time("2019-03-22", "25:00") == "2019-03-22"


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("EUR 1,500,000", "1500000", "EUR"),
        ("1.500.000,00 €", "1500000.00", "EUR"),
        ("1 500 000 EUR", "1500000", "EUR"),
        ("£2.5m", "2500000", "GBP"),
        ("€250k", "250000", "EUR"),
        ("CHF 100'000", "100000", "CHF"),
        ("CHF 5.2 Mio.", "5200000", "CHF"),
        ("$1,234.56", "1234.56", "USD"),
        ("A$ 4,000", "4000", "AUD"),
        ("DKK 40000000", "40000000", "DKK"),
    ],
)
def test_money_is_read_with_its_currency(text: str, amount: str, currency: str) -> None:
    found = find_money(text)

    assert [(f.amount, f.currency) for f in found] == [(Decimal(amount), currency)]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("149597", "149597"),
        ("8923.94", "8923.94"),
        ("1,500", "1500"),
        ("1,5", "1.5"),
        ("1.234.567", "1234567"),
    ],
)
def test_bare_amounts_parse(text: str, amount: str) -> None:
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["", "abc", "12 lots", "-"])
def test_non_amounts_do_not_parse(text: str) -> None:
    assert parse_amount(text) is None


def test_amounts_without_currency_are_not_money_in_prose() -> None:
    assert find_money("a 12-month contract for 3 depots") == []


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        ("1500000", "EUR", "1,500,000 EUR"),
        ("8923.94", "CAD", "8,923.94 CAD"),
        ("9873.00", None, "9,873"),
        ("2.5E+6", "GBP", "2,500,000 GBP"),
    ],
)
def test_money_is_formatted_with_separators(amount: str, currency: str | None, text: str) -> None:
    assert format_money(Decimal(amount), currency) == text
