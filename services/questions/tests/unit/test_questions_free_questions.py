"""Free-form questions: the answer type the question wants, the line about its subject (in the document's language
too), the row or lot section it names, and no answer when nothing supports one."""

from __future__ import annotations

import pytest

from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import AnswerKind
from tenderflow_questions.answering import answer_question, classify_question
from tenderflow_questions.answering.subjects import subject_of

PORTUGUESE_TERMS = [
    "5. ENTREGA\n"
    "5.1 O prazo de entrega dos bens é de 20 (vinte) dias, contados do pedido.\n"
    "5.2 Os bens deverão ser entregues no seguinte endereço: Depósito Geral – Rua Alfa, 12 – Vila Serena.\n"
    "6.1 A gestão do contrato caberá ao servidor Paulo Roberto Nunes, designado como gestor.\n",
]
RUSSIAN_LOTS = [
    "1.1. Наименование предмета закупки по лоту № 1: поставка столов.\n"
    "1.1.3. Количество закупаемого товара по лоту № 1: 12 шт.\n"
    "1.1.4. Ориентировочная стоимость предмета закупки по лоту № 1: 9 300,00 BYN.\n"
    "1.2. Наименование предмета закупки по лоту № 2: поставка стульев.\n"
    "1.2.3. Количество закупаемого товара по лоту № 2: 48 шт.\n"
    "1.2.4. Ориентировочная стоимость предмета закупки по лоту № 2: 5 760,00 BYN.\n",
]
SPANISH_SECTIONS = [
    "Lote 1: Suministro de abetos\n"
    "Valor estimado del contrato 3.100 EUR.\n"
    "Lote 2: Alquiler de iluminación\n"
    "Valor estimado del contrato 2.450 EUR.\n"
    "Contacto\n"
    "Teléfono +34 911000222\n",
]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who is the contact person for the procurement?", AnswerKind.PERSON),
        ("Whom should offerors call for information?", AnswerKind.PERSON),
        ("Who is the buyer (contracting authority)?", AnswerKind.NAME),
        ("Within how many days must the goods be delivered?", AnswerKind.DURATION),
        ("What is the minimum warranty period?", AnswerKind.DURATION),
        ("How many chairs are bought in lot 5?", AnswerKind.QUANTITY),
        ("How many lots is the tender divided into?", AnswerKind.COUNT),
        ("Where must the goods be delivered?", AnswerKind.PLACE),
        ("What is the contact telephone number?", AnswerKind.PHONE),
        ("How much is the processing fee?", AnswerKind.MONEY),
    ],
)
def test_free_questions_ask_for_a_type_of_answer(question: str, kind: AnswerKind) -> None:
    assert classify_question(question) == kind


def test_the_subject_keeps_content_words_and_the_row_named() -> None:
    subject = subject_of("What is the estimated total value of item 21 (auditorium armchairs)?")

    assert subject.number == 21 and subject.noun == "item"
    assert {forms[0] for forms in subject.words} == {"estimated", "total"}
    assert subject_of("What is the value of lot IV?").number == 4


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Within how many days must the goods be delivered after the order?", "20 (vinte) dias"),
        ("Where must the goods be delivered?", "Depósito Geral – Rua Alfa, 12 – Vila Serena"),
        ("Which staff member is designated as contract manager?", "Paulo Roberto Nunes"),
    ],
)
def test_english_questions_are_answered_from_portuguese_lines(pdf_passages, question, expected) -> None:
    answer = answer_question(QuestionSpec(id="free", text=question), pdf_passages(PORTUGUESE_TERMS))

    assert answer.answer == expected
    assert answer.citations


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many chairs are bought in lot 2?", "48"),
        ("What is the indicative value of lot 1?", "9 300,00 BYN"),
        ("What is the indicative value of lot 2?", "5 760,00 BYN"),
    ],
)
def test_a_lot_question_is_answered_from_that_lots_lines(pdf_passages, question, expected) -> None:
    answer = answer_question(QuestionSpec(id="lot", text=question), pdf_passages(RUSSIAN_LOTS))

    assert answer.answer == expected


def test_a_lot_section_runs_until_the_next_lot_heading(pdf_passages) -> None:
    question = QuestionSpec(id="lot-2", text="What is the estimated value of lot 2?")

    answer = answer_question(question, pdf_passages(SPANISH_SECTIONS))

    assert answer.answer == "2.450 EUR"


def test_a_telephone_question_reads_the_number(pdf_passages) -> None:
    question = QuestionSpec(id="phone", text="What is the contact telephone number?")

    assert answer_question(question, pdf_passages(SPANISH_SECTIONS)).answer == "+34 911000222"


def test_a_row_question_reads_the_cell_under_the_asked_header(csv_passages) -> None:
    header = ["Item", "Labor Category", "Unit"]
    rows = [["0001", "Product Manager", "Hour"], ["0009", "Security Engineer", "Hour"]]
    question = QuestionSpec(id="row", text="Which labor category is priced on line item 0009?")

    answer = answer_question(question, csv_passages(header, rows))

    assert answer.answer == "Security Engineer"
    assert answer.citations[0].row is not None


@pytest.mark.parametrize(
    "question",
    ["On what date is the site visit held?", "Who is the auctioneer conducting the session?"],
)
def test_nothing_about_the_subject_gives_no_answer(pdf_passages, question: str) -> None:
    assert answer_question(QuestionSpec(id="none", text=question), pdf_passages(PORTUGUESE_TERMS)).answer is None


def test_a_signature_block_gives_the_name_above_the_role(pdf_passages) -> None:
    pages = ["Vila Serena, 3 de março de 2031\nMARIA DAS DORES LIMA\nPREFEITA\n"]
    question = QuestionSpec(id="mayor", text="Who signed the notice as mayor?")

    answer = answer_question(question, pdf_passages(pages))

    assert answer.answer == "MARIA DAS DORES LIMA"


def test_a_price_table_row_gives_its_total_as_the_last_amount(pdf_passages) -> None:
    pages = [
        "ITEM | DESCRIÇÃO | UNIDADE QUANTIDADE VALOR UNITÁRIO VALOR TOTAL\n"
        "7 | CADEIRA GIRATÓRIA | UN 40 350,25 14.010,00\n"
    ]
    total = QuestionSpec(id="total", text="What is the estimated total value of item 7?")
    units = QuestionSpec(id="units", text="How many units of item 7 are to be bought?")

    assert answer_question(total, pdf_passages(pages)).answer == "14.010,00"
    assert answer_question(units, pdf_passages(pages)).answer == "40"
