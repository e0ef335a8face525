"""An e-mail address on a line read as a label (`x@y.gov.br ou Telefone: ...`) still answers the contact question."""

from __future__ import annotations

from tenderflow_questions.answering import DEFAULT_QUESTION_SET, answer_question

EMAIL = DEFAULT_QUESTION_SET.by_id("contact_email")


def test_an_address_before_another_label_on_its_line_is_read(pdf_passages) -> None:
    page = (
        "Obs. 4: As empresas interessadas poderão obter maiores informações pelo e-mail:\n"
        "licitar@cidade.example.gov.br ou Telefone: (064) 3642 8000.\n"
    )

    answer = answer_question(EMAIL, pdf_passages([page]))

    assert answer.answer == "licitar@cidade.example.gov.br"
    assert answer.citations


def test_an_appeal_body_s_address_before_a_label_is_not_read(pdf_passages) -> None:
    page = "Recursos ao tribunal de contas: tce@tribunal.example.gov.br ou Telefone: (064) 3000 0000.\n"

    assert answer_question(EMAIL, pdf_passages([page])).answer is None
