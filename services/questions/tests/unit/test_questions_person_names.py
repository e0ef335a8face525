"""A person question is answered with a person's name, not with the body named next to it."""

from __future__ import annotations

from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_questions.answering.extractive import answer_question
from tenderflow_questions.answering.typed import read_person


def test_a_body_s_name_is_not_read_as_a_person() -> None:
    assert read_person("Centro Especial de Empleo") is None
    assert read_person("Servicio de Contratación") is None
    assert read_person("José Luis Berrios Martos.") == ("José Luis Berrios Martos", 0, 24)


def test_the_person_responsible_is_named_rather_than_the_unit_above(pdf_passages) -> None:
    page = (
        "21.- UNIDAD ENCARGADA DEL SEGUIMIENTO Y EJECUCIÓN ORDINARIA DEL CONTRATO\n"
        "Unidad encargada del seguimiento y ejecución ordinaria del contrato: Centro Especial\n"
        "de Empleo\n"
        "Responsable del contrato: Ana María Ruiz Torres.\n"
    )
    question = QuestionSpec(id="manager", text="Who is the person responsible for the contract?")

    assert answer_question(question, pdf_passages([page])).answer == "Ana María Ruiz Torres"
