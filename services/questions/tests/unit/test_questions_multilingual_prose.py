"""Dates, money, procedure, award criteria and lots are read from prose and tables in several languages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_questions.answering import DEFAULT_QUESTION_SET, answer_question
from tenderflow_questions.answering.dates import find_dates
from tenderflow_questions.answering.extractors.value import extract_money
from tenderflow_questions.answering.money import find_money


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("3 de março de 2025", "2025-03-03"),
        ("Dia 04/02/2025 às 10h15 horas", "2025-02-04T10:15:00"),
        ("até as 08h45min do dia 21/05/2025", "2025-05-21T08:45:00"),
        ("7 de octubre de 2025 a las 13:30", "2025-10-07T13:30:00"),
        ("до 14.04.2025", "2025-04-14"),
        ("14.04.2025 г.", "2025-04-14"),
        ("9 апреля 2025 года", "2025-04-09"),
        ("до 15 ч. 30 мин. 14.04.2025", "2025-04-14T15:30:00"),
        ("received by 1530 hrs. on 11 June 2025", "2025-06-11T15:30:00"),
        ("June 11, 2025", "2025-06-11"),
    ],
)
def test_dates_in_other_languages_are_normalized_to_iso(text: str, iso: str) -> None:
    assert [found.iso for found in find_dates(text)] == [iso]


@pytest.mark.parametrize(
    ("text", "amount", "currency", "written"),
    [
        ("R$ 2.345.678,90", "2345678.90", "BRL", "2.345.678,90 BRL"),
        ("7 654,32 €", "7654.32", "EUR", "7 654,32 EUR"),
        ("BYN 45 600,00", "45600.00", "BYN", "45 600,00 BYN"),
        ("45 600,00 бел. руб.", "45600.00", "BYN", "45 600,00 BYN"),
        ("Rs. 25,000/-", "25000", "INR", "25,000 INR"),
        ("₹ 3,50,000", "350000", "INR", "3,50,000 INR"),
        ("Rs. 3.5 lakh", "350000", "INR", "3.5 lakh INR"),
        ("TOTAL R$\n98.765,43", "98765.43", "BRL", "98.765,43 BRL"),
        ("98.765,43\nBYN", "98765.43", "BYN", "98.765,43 BYN"),
    ],
)
def test_money_in_other_notations_keeps_the_amount_as_written(
    text: str, amount: str, currency: str, written: str
) -> None:
    found = find_money(text)

    assert [(f.amount, f.currency, f.as_written()) for f in found] == [(Decimal(amount), currency, written)]


def _ask(pdf_passages, question_id: str, pages: list[str]) -> str | None:
    return answer_question(DEFAULT_QUESTION_SET.by_id(question_id), pdf_passages(pages)).answer


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        (["DATA DA SESSÃO PÚBLICA\nDia 04/02/2025 às 10h15 horas (horário de Brasília)"], "2025-02-04T10:15:00"),
        (
            [
                "Plazo de obtención de pliegos\nHasta el 01/10/2025 a las 14:00\n"
                "Plazo de presentación de oferta\nHasta el 07/10/2025 a las 14:00"
            ],
            "2025-10-07T14:00:00",
        ),
        (["Окончательный срок подачи предложений (дата, время):\nдо 15 ч. 30 мин. 14.04.2025."], "2025-04-14T15:30:00"),
        (["Last date for submission 11 June 2025 at 1530 hrs."], "2025-06-11T15:30:00"),
    ],
)
def test_deadline_is_read_after_a_cue_in_any_language(pdf_passages, pages: list[str], expected: str) -> None:
    assert _ask(pdf_passages, "deadline", pages) == expected


def test_a_date_without_a_deadline_cue_is_not_a_deadline(pdf_passages) -> None:
    assert _ask(pdf_passages, "deadline", ["Prazo de execução do contrato: de 01/03/2025 a 30/06/2025."]) is None


@pytest.mark.parametrize(
    ("pages", "value", "currency"),
    [
        (["VALOR TOTAL ESTIMADO DA CONTRATAÇÃO\nR$ 2.345.678,90 (dois milhões...)"], "2.345.678,90 BRL", "BRL"),
        (["Valor estimado del contrato 7.654,32 EUR."], "7.654,32 EUR", "EUR"),
        (["Ориентировочная стоимость закупки: 45 600,00\nBYN."], "45 600,00 BYN", "BYN"),
    ],
)
def test_value_and_currency_follow_a_value_cue(pdf_passages, pages: list[str], value: str, currency: str) -> None:
    assert _ask(pdf_passages, "value", pages) == value
    assert _ask(pdf_passages, "currency", pages) == currency


def test_fees_and_guarantees_are_not_the_contract_value(pdf_passages) -> None:
    pages = ["Tender processing fee Rs. 2,000/- (non-refundable).\nBid security (EMD) of Rs. 40,000/-."]

    assert _ask(pdf_passages, "value", pages) is None
    assert _ask(pdf_passages, "currency", pages) == "INR"


def test_a_total_outweighs_a_lot_amount(pdf_passages) -> None:
    pages = [
        "Lote 1: sillas\nValor estimado del contrato 1.000 EUR.\n",
        "Lote 2: mesas\nValor estimado del contrato 2.500 EUR.\n",
        "Objeto del contrato: mobiliario.\nValor estimado del contrato 3.500 EUR.\n",
    ]

    assert _ask(pdf_passages, "value", pages) == "3.500 EUR"


def test_a_question_about_one_lot_reads_that_lots_amount(pdf_passages) -> None:
    pages = [
        "Lote 1: sillas\nValor estimado del contrato 1.000 EUR.\n",
        "Lote 2: mesas\nValor estimado del contrato 2.500 EUR.\n",
        "Valor estimado del contrato 3.500 EUR.\n",
    ]
    question = QuestionSpec(id="lot-2", text="What is the estimated value of lot 2?")

    assert answer_question(question, pdf_passages(pages)).answer == "2.500 EUR"


def test_a_question_about_a_fee_reads_the_fee(pdf_passages) -> None:
    pages = ["Estimated contract value Rs. 9,00,000.\nTender processing fee Rs. 2,000/- (non-refundable)."]
    question = QuestionSpec(id="fee", text="How much is the tender processing fee?")

    assert answer_question(question, pdf_passages(pages)).answer == "2,000 INR"


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        (["EDITAL\nPREGÃO ELETRÔNICO Nº 12/2025\nObjeto: cadeiras"], "PREGÃO ELETRÔNICO"),
        (
            ["Proceso de licitación\nProcedimiento abierto simplificado\nTramitación ordinaria"],
            "Procedimiento abierto simplificado",
        ),
        (["ДОКУМЕНТАЦИЯ\nк процедуре запроса ценовых предложений на закупку стульев"], "запроса ценовых предложений"),
        (["Bids are invited under a two-bid system: technical and financial."], "two-bid system"),
    ],
)
def test_procedure_names_are_answered_as_written(pdf_passages, pages: list[str], expected: str) -> None:
    assert _ask(pdf_passages, "procedure", pages) == expected


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        (["Nº de Lotes: 3\nSe debe ofertar a uno o varios lotes"], "3"),
        (["LOTE I – CADEIRAS\n...", "LOTE II – MESAS\n...", "LOTE IV – ARMÁRIOS\n..."], "4"),
        (["по лоту № 1: стулья", "поставка по лотам № 2-5 до 01.07.2025"], "5"),
    ],
)
def test_lots_are_counted_from_prose(pdf_passages, pages: list[str], expected: str) -> None:
    assert _ask(pdf_passages, "lots", pages) == expected


def test_a_single_numbered_lot_is_no_count(pdf_passages) -> None:
    assert _ask(pdf_passages, "lots", ["Entregar no lote 7 do armazém."]) is None


@pytest.mark.parametrize(
    ("pages", "fragments"),
    [
        (["CRITÉRIO DE JULGAMENTO:\nmenor preço por item\nMODO DE DISPUTA:\naberto"], ["menor preço por item"]),
        (["Criterios de adjudicación\nOferta económicamente más ventajosa\n"], ["más ventajosa"]),
        (
            ["The award will be based on two evaluation factors: Technical Approach and Price."],
            ["Technical Approach and Price"],
        ),
        (
            [
                "Наименование критериев оценки | Удельный вес, в баллах\n1. «Цена» 90,00\n2. «Срок поставки» 10,00\n"
                "ИТОГО: 100"
            ],
            ["«Цена» 90,00", "«Срок поставки» 10,00"],
        ),
    ],
)
def test_award_criteria_are_read_after_criteria_words(pdf_passages, pages: list[str], fragments: list[str]) -> None:
    answer = _ask(pdf_passages, "award_criteria", pages) or ""

    assert all(fragment in answer for fragment in fragments)
    assert "ИТОГО" not in answer and "MODO DE DISPUTA" not in answer


@pytest.mark.parametrize(
    ("context", "iso"),
    [
        ("OFFER DUE DATE: 07/10/2017\nOFFER LOCAL TIME: 1:00PM EST", "2017-07-10"),
        ("Issued 12/25/2016. Due 07/10/2017", "2017-07-10"),
        ("Issued 25/12/2016. Due 07/10/2017", "2017-10-07"),
        ("Due 07/10/2017", "2017-10-07"),
    ],
)
def test_the_passage_tells_whether_the_month_or_the_day_comes_first(context: str, iso: str) -> None:
    assert [found.iso for found in find_dates("07/10/2017", context=context)] == [iso]


def test_a_count_question_that_only_mentions_lots_does_not_count_them(pdf_passages) -> None:
    question = QuestionSpec(id="points", text="How many points does the price criterion carry for lots 2 to 3?")

    assert answer_question(question, pdf_passages(["Nº de Lotes: 3"])).answer != "3"


def test_a_question_for_when_a_period_starts_is_not_a_deadline_question(pdf_passages) -> None:
    question = QuestionSpec(id="start", text="From what date are proposals received?")
    pages = ["Propostas recebidas até as 08h45min do dia 21/05/2025"]

    assert answer_question(question, pdf_passages(pages)).answer is None


def test_other_date_questions_read_the_date_after_their_own_words(pdf_passages) -> None:
    pages = ["Opening of Technical Bids 12 June 2025 at 1100 hrs.\nOpening of Financial Bids 20 June 2025."]
    question = QuestionSpec(id="technical", text="When will the technical bids be opened?")

    assert answer_question(question, pdf_passages(pages)).answer == "2025-06-12T11:00:00"


def test_a_date_sharing_one_word_with_a_two_word_question_is_not_its_answer(pdf_passages) -> None:
    question = QuestionSpec(id="visit", text="When is the site visit for bidders?")

    assert answer_question(question, pdf_passages(["Bidders may ask questions until 2 June 2025."])).answer is None


ITEM_TABLE = [
    "ITEM | DESCRIÇÃO | UNID QTD VALOR UNITÁRIO VALOR TOTAL\n"
    "1 | CADEIRA GIRATÓRIA | UN 10 350,00 3.500,00\n"
    "2 | MESA DE REUNIÃO | UN 4 1.200,50 4.802,00\n",
    "3 - Armário de aço\nQuantidade Total: 6\nValor Total (R$): 7.260,00\n4 - Estante\nValor Total (R$): 900,00\n",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What is the unit price of item 2?", "1.200,50"),
        ("What is the estimated total value of item 2 (meeting table)?", "4.802,00"),
        ("What is the estimated total of item 3?", "7.260,00"),
        ("What is the estimated total of item 9?", None),
    ],
)
def test_item_questions_read_the_items_row_or_block(pdf_passages, text: str, expected: str | None) -> None:
    question = QuestionSpec(id="item", text=text)

    assert answer_question(question, pdf_passages(ITEM_TABLE)).answer == expected


@pytest.mark.parametrize(
    ("question_id", "expected"),
    [
        ("deadline", "2025-02-04T10:15:00"),
        ("value", "2,345,678.90 BRL"),
        ("currency", "BRL"),
        ("procedure", "Pregão eletrônico"),
        ("lots", "2"),
        ("award_criteria", "Menor preço por lote"),
    ],
)
def test_spreadsheet_columns_named_in_portuguese_answer(csv_passages, question_id: str, expected: str) -> None:
    header = ["Número de lotes", "Data da sessão pública", "Valor estimado", "Moeda", "Modalidade"]
    header.append("Critério de julgamento")
    row = ["2", "04/02/2025 10:15", "2.345.678,90", "BRL", "Pregão eletrônico", "Menor preço por lote"]

    answer = answer_question(DEFAULT_QUESTION_SET.by_id(question_id), csv_passages(header, [row]))

    assert answer.answer == expected


@pytest.mark.parametrize(
    ("pages", "question_id", "expected"),
    [
        (["El presupuesto base de licitación asciende a 120.000,00 euros."], "value", "120.000,00 EUR"),
        (["Начальная (максимальная) цена: 1 500 000,00 белорусских рублей"], "currency", "BYN"),
        (["A sessão pública será realizada no dia 10 de março de 2025, às 9h."], "deadline", "2025-03-10T09:00:00"),
        (["La fecha límite para la presentación de ofertas será el 5 de mayo de 2025."], "deadline", "2025-05-05"),
        (["Предложения принимаются до 10:00 12.03.2025"], "deadline", "2025-03-12T10:00:00"),
        (["Bids must be submitted by 5:00 PM EST on March 8, 2016."], "deadline", "2016-03-08T17:00:00"),
    ],
)
def test_prose_phrasings_in_several_languages(pdf_passages, pages: list[str], question_id: str, expected: str) -> None:
    assert _ask(pdf_passages, question_id, pages) == expected


def test_a_sentence_after_criteria_words_is_no_heading_of_a_list(pdf_passages) -> None:
    pages = [
        "evaluation factors: Quality and Price.\nThe Government will rate each quote on a scale of three\n"
        "ratings and award to the highest rated quoter.\n"
    ]

    assert _ask(pdf_passages, "award_criteria", pages) == "Quality and Price"


def test_amounts_of_different_lots_alone_are_no_contract_value(pdf_passages) -> None:
    pages = ["Lote 1: sillas\nValor estimado del contrato 1.000 EUR.\n", "Lote 2: mesas\nValor estimado 2.500 EUR.\n"]

    assert extract_money(DEFAULT_QUESTION_SET.by_id("value"), pdf_passages(pages)) is None
    assert _ask(pdf_passages, "currency", pages) == "EUR"
