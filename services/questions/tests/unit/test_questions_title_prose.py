"""The object a call states in prose (`A presente licitação tem como objeto ...`) is its title."""

from __future__ import annotations

from tenderflow_questions.answering import DEFAULT_QUESTION_SET, answer_question


def test_the_object_stated_in_prose_is_the_title(pdf_passages) -> None:
    page = (
        "1. DO OBJETO:\n"
        "1.1. A presente licitação tem como objeto o REGISTRO DE PREÇOS PARA AQUISIÇÃO DE\n"
        "CADEIRAS E MESAS ESCOLARES, conforme condições estabelecidas neste Edital.\n"
    )

    answer = answer_question(DEFAULT_QUESTION_SET.by_id("title"), pdf_passages([page]))

    assert answer.answer is not None
    assert answer.answer.startswith("REGISTRO DE PREÇOS PARA AQUISIÇÃO DE")
    assert "CADEIRAS E MESAS ESCOLARES" in answer.answer
