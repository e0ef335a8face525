"""Buyer, title, reference and e-mail read after cue phrases in written documents, in several languages."""

from __future__ import annotations

import pytest

from tenderflow_questions.answering import DEFAULT_QUESTION_SET, answer_question
from tenderflow_questions.answering.cues import BUYER_CUE, REFERENCE_CUE, TITLE_CUE
from tenderflow_questions.answering.labelled import cue_values
from tenderflow_questions.answering.spans import read_organisation, read_reference, read_title

PORTUGUESE_COVER = (
    "PREGÃO ELETRÔNICO Nº 4711/2030\n"
    "(Processo Administrativo nº 99.123/2030-01)\n"
    "ÓRGÃO (UASG)\n"
    "998877\n"
    "OBJETO\n"
    "Aquisição de bicicletas elétricas para a guarda municipal de Vila Serena, conforme\n"
    "condições estabelecidas neste edital.\n"
    "Torna-se público que a Prefeitura Municipal de Vila Serena, sediada na Rua das Flores, 10, realizará\n"
    "licitação na modalidade pregão.\n"
)
SPANISH_NOTICE = (
    "Anuncio de licitación\n"
    "Número de Expediente 77/2031/BICI\n"
    "Objeto del contrato: Suministro de bicicletas de carga para el servicio de parques.\n"
    "Entidad Adjudicadora\n"
    "Ayuntamiento de Villarrosa\n"
    "Dirección Postal | Contacto\n"
    "Calle Mayor, 3 | Correo Electrónico compras@villarrosa.example\n"
)
RUSSIAN_DOCUMENT = (
    "ДОКУМЕНТАЦИЯ НА ЗАКУПКУ\n"
    "Заказчик: Государственное учреждение Парк Северный\n"
    "Предмет закупки: поставка садовых скамеек для парка.\n"
    "Номер закупки № 2031-555\n"
)
ENGLISH_COVER = (
    "Request for Quotation (RFQ)\n"
    "7ZXQ20310042\n"
    "For the Establishment\n"
    "of\n"
    "Framework Agreements\n"
    "for\n"
    "Street Lighting Maintenance\n"
    "Issued by:\n"
    "The Regional Roads Office (RRO)\n"
    "12 Harbour Road, Port Ellis\n"
)


@pytest.mark.parametrize(
    ("pages", "question_id", "expected"),
    [
        ([PORTUGUESE_COVER], "buyer", "Prefeitura Municipal de Vila Serena"),
        (
            [PORTUGUESE_COVER],
            "title",
            "Aquisição de bicicletas elétricas para a guarda municipal de Vila Serena",
        ),
        ([PORTUGUESE_COVER], "reference", "4711/2030"),
        ([SPANISH_NOTICE], "buyer", "Ayuntamiento de Villarrosa"),
        ([SPANISH_NOTICE], "title", "Suministro de bicicletas de carga para el servicio de parques"),
        ([SPANISH_NOTICE], "reference", "77/2031/BICI"),
        ([SPANISH_NOTICE], "contact_email", "compras@villarrosa.example"),
        ([RUSSIAN_DOCUMENT], "buyer", "Государственное учреждение Парк Северный"),
        ([RUSSIAN_DOCUMENT], "title", "поставка садовых скамеек для парка"),
        ([RUSSIAN_DOCUMENT], "reference", "2031-555"),
        ([ENGLISH_COVER], "buyer", "The Regional Roads Office (RRO)"),
        ([ENGLISH_COVER], "title", "Street Lighting Maintenance"),
        ([ENGLISH_COVER], "reference", "7ZXQ20310042"),
    ],
)
def test_identity_is_read_after_cues_in_written_documents(pdf_passages, pages, question_id, expected) -> None:
    answer = answer_question(DEFAULT_QUESTION_SET.by_id(question_id), pdf_passages(pages))

    assert answer.answer == expected
    assert answer.citations and answer.citations[0].page == 1


def test_a_code_where_a_name_is_cued_is_no_buyer(pdf_passages) -> None:
    answer = answer_question(DEFAULT_QUESTION_SET.by_id("buyer"), pdf_passages(["CONTRATANTE (UASG)\n154046\n"]))

    assert answer.answer is None


def test_the_calls_own_number_wins_over_the_file_number(pdf_passages) -> None:
    pages = ["Processo nº 23.456/2030-11\nPregão Eletrônico nº 12/2030\n", "Pregão Eletrônico nº 12/2030\n"]

    answer = answer_question(DEFAULT_QUESTION_SET.by_id("reference"), pdf_passages(pages))

    assert answer.answer == "12/2030"


def test_template_placeholders_and_clause_numbers_are_no_reference(pdf_passages) -> None:
    pages = ["PREGÃO ELETRÔNICO Nº 00x/2030\n2. CONTRACT NO. 3. AWARD DATE\n"]

    assert answer_question(DEFAULT_QUESTION_SET.by_id("reference"), pdf_passages(pages)).answer is None


def test_a_wrapped_line_starting_with_a_cue_word_is_not_a_label(pdf_passages) -> None:
    pages = ["os preços incluem todas as despesas de execução do\nobjeto, inclusive tributos e fretes.\n"]

    assert answer_question(DEFAULT_QUESTION_SET.by_id("title"), pdf_passages(pages)).answer is None


def test_a_per_lot_subject_is_not_the_tenders_title(pdf_passages) -> None:
    pages = ["1.1. Наименование предмета закупки по лоту № 1: поставка стульев.\n"]

    assert answer_question(DEFAULT_QUESTION_SET.by_id("title"), pdf_passages(pages)).answer is None


def test_a_page_listing_suppliers_addresses_gives_no_contact_email(pdf_passages) -> None:
    suppliers = "".join(
        f"{number}. ООО Мебель-{number}, г. Минск, +375 17 000-00-0{number}, shop{number}@furniture.example;\n"
        for number in range(1, 6)
    )

    answer = answer_question(DEFAULT_QUESTION_SET.by_id("contact_email"), pdf_passages([suppliers]))

    assert answer.answer is None


def test_cue_alone_on_its_line_takes_the_value_of_the_next_line_and_its_label() -> None:
    text = "2.- ÓRGANOS ADMINISTRATIVOS\nÓrgano de contratación:\nDenominación: JUNTA DE COMPRAS\n"

    hits = list(cue_values(text, BUYER_CUE))

    assert [text[hit.value_start :].split("\n")[0] for hit in hits] == ["JUNTA DE COMPRAS"]


def test_readers_stop_at_the_address_the_sentence_and_the_token() -> None:
    assert read_organisation("Câmara de Vila Nova, CNPJ 00.000", 0) == ("Câmara de Vila Nova", 0, 19)
    assert read_title("Compra de mesas; entrega em 10 dias", 0)[0] == "Compra de mesas"
    assert read_reference("RFQ-2031/7. Quotes are due", 0) == ("RFQ-2031/7", 0, 10)
    assert read_reference("3. AWARD", 0) is None


def test_cues_are_not_read_inside_other_words() -> None:
    assert list(cue_values("Subjective remarks: none\n", TITLE_CUE)) == []
    assert list(cue_values("Contractors no longer apply\n", REFERENCE_CUE, anywhere=True, bare=True)) == []


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("The agency intends to establish BPAs under NAICS Code 541611 for advisory services.\n", "541611"),
        ("52.30.006003-EXTENSÃO ELÉTRICA. TIPO: CARRETEL.\nCATMAT:612345\n", "612345"),
        (
            "1.1. Группировка по ОКРБ 007-2012 «Классификатор продукции» по лоту № 1:\n31.09.11.000 мебель\n",
            "31.09.11.000",
        ),
    ],
)
def test_national_classification_codes_are_read_from_written_pages(pdf_passages, page, expected) -> None:
    answer = answer_question(DEFAULT_QUESTION_SET.by_id("classification"), pdf_passages([page]))

    assert answer.answer is not None and expected in answer.answer.split(", ")


def test_dotted_numbers_without_a_classifier_are_no_codes(pdf_passages) -> None:
    page = "Сроки поставки: 10.06.2026 – 24.06.2026, версия 12.01.03.004 программы.\n"

    assert answer_question(DEFAULT_QUESTION_SET.by_id("classification"), pdf_passages([page])).answer is None


def test_a_document_naming_the_contract_it_governs_outranks_an_annex_field(pdf_passages) -> None:
    clauses = (
        "PLIEGO DE CLÁUSULAS ADMINISTRATIVAS QUE HA DE REGIR EN EL CONTRATO DE\n"
        "SUMINISTRO DE BANCOS DE MADERA PARA PARQUES. EXPTE 5/2031.\n"
    )
    annex = "ANEXO I\n1.- Definición del objeto del contrato: CONTRATO MIXTO DE BANCOS Y PAPELERAS.\n"

    answer = answer_question(DEFAULT_QUESTION_SET.by_id("title"), pdf_passages([annex, clauses]))

    assert answer.answer == "SUMINISTRO DE BANCOS DE MADERA PARA PARQUES"


def test_a_bid_form_addressed_to_the_buyer_names_it(pdf_passages) -> None:
    pages = [
        "Annexure II: Format for Financial Bid\nTo\nChief Executive Officer\nHarbour Development Trust\nPier Road\n"
    ]

    answer = answer_question(DEFAULT_QUESTION_SET.by_id("buyer"), pdf_passages(pages))

    assert answer.answer == "Harbour Development Trust"
