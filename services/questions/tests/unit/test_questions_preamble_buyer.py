"""An edital's preamble names the body that calls it: `O MUNICÍPIO DE X ..., por intermédio do ...`."""

from __future__ import annotations

from tenderflow_questions.answering import DEFAULT_QUESTION_SET, answer_question

BUYER = DEFAULT_QUESTION_SET.by_id("buyer")


def test_the_body_opening_the_preamble_is_the_buyer(pdf_passages) -> None:
    page = (
        "EDITAL PREGÃO ELETRONICO Nº. 005/2025\n"
        "O MUNICÍPIO DE SANTA LUZIA - ESTADO DE GOIÁS, por intermédio\n"
        "do Fundo Municipal de Saúde, pessoa jurídica de direito público interno.\n"
    )

    assert answer_question(BUYER, pdf_passages([page])).answer == "MUNICÍPIO DE SANTA LUZIA"


def test_a_sentence_about_the_municipality_is_not_a_preamble(pdf_passages) -> None:
    page = "O município de Santa Luzia tem 20 mil habitantes.\nA entrega será feita no almoxarifado.\n"

    assert answer_question(BUYER, pdf_passages([page])).answer is None
