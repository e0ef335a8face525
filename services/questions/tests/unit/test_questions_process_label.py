"""A cover's `PROCESSO: 9580/2025` label gives the reference when the call's own number is not read."""

from __future__ import annotations

from tenderflow_questions.answering import DEFAULT_QUESTION_SET, answer_question

REFERENCE = DEFAULT_QUESTION_SET.by_id("reference")


def test_a_process_label_with_a_colon_is_a_reference_cue(pdf_passages) -> None:
    page = "MODO DE DISPUTA: ABERTO\nPROCESSO: 9580/2025\nINTERESSADO: FUNDO MUNICIPAL DE SAÚDE\n"

    assert answer_question(REFERENCE, pdf_passages([page])).answer == "9580/2025"


def test_the_call_s_own_number_still_wins_over_the_process(pdf_passages) -> None:
    page = "PREGÃO ELETRÔNICO Nº 021/2025\nPROCESSO: 9580/2025\n"

    assert answer_question(REFERENCE, pdf_passages([page])).answer == "021/2025"
