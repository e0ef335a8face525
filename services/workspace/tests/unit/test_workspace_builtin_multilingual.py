"""Retrieval finds Portuguese, Spanish and Russian evidence for the English default questions."""

from __future__ import annotations

import pytest

from tenderflow_common.contracts.workspace import AnswerKind
from tenderflow_workspace.builtin.chunking import chunk_units
from tenderflow_workspace.builtin.index import BuiltinIndex
from tenderflow_workspace.builtin.signals import (
    NOT_VALUE_MONEY_WEIGHT,
    UNCUED_MONEY_WEIGHT,
    SignalKind,
    detect_signals,
)
from tenderflow_workspace.builtin.tokenizer import expand, tokenize


def _texts(text: str, kind: SignalKind) -> list[str]:
    return [signal.text for signal in detect_signals(text) if signal.kind == kind]


@pytest.mark.parametrize(
    "text",
    [
        "DATA DA SESSÃO PÚBLICA\nDia 04/02/2025 às 10h15",
        "Plazo de presentación de oferta\nHasta el 07/10/2025 a las 14:00",
        "Окончательный срок подачи предложений:\nдо 15 ч. 30 мин. 14.04.2025",
        "Propostas recebidas até as 08h45min do dia 3 de março de 2025",
    ],
)
def test_dates_after_deadline_cues_on_an_earlier_line_are_deadlines(text: str) -> None:
    assert _texts(text, SignalKind.DEADLINE)


def test_a_date_after_another_deadline_cue_stays_a_plain_date() -> None:
    text = "Plazo de presentación de oferta | Plazo de obtención de pliegos\nHasta el 01/10/2025"

    assert not _texts(text, SignalKind.DEADLINE) and _texts(text, SignalKind.DATE)


def test_money_weighs_by_the_cue_before_it() -> None:
    text = "Item 3 R$ 120,00\nVALOR TOTAL ESTIMADO\nR$ 2.345.678,90\nGarantia de proposta: R$ 5.000,00"
    weights = {s.text.split()[-1]: s.weight for s in detect_signals(text) if s.kind == SignalKind.MONEY}

    assert weights == {"2.345.678,90": 1.0, "5.000,00": NOT_VALUE_MONEY_WEIGHT, "120,00": UNCUED_MONEY_WEIGHT}


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("na modalidade PREGÃO ELETRÔNICO", SignalKind.PROCEDURE, "pregao eletronico"),
        ("к процедуре запроса ценовых предложений", SignalKind.PROCEDURE, "запроса ценовых предложении"),
        ("LOTE II – MESAS", SignalKind.LOT, "lote ii"),
        ("Nº de Lotes: 2", SignalKind.LOT, "nº de lotes"),
        ("Criterios de adjudicación", SignalKind.CRITERIA, "criterios de adjudicacion"),
        ("com critério de julgamento MENOR PREÇO", SignalKind.CRITERIA, "menor preco"),
    ],
)
def test_procedure_lot_and_criteria_words_in_any_language_are_signals(text: str, kind: SignalKind, found: str) -> None:
    assert found in _texts(text, kind)


def test_english_question_words_expand_to_other_languages() -> None:
    expansion = expand(tokenize("What is the deadline for the submission of tenders?"))

    assert {"prazo", "sessao", "plazo", "presentacion", "срок", "подачи"} <= set(expansion)


@pytest.mark.parametrize(
    ("question", "kind", "expected"),
    [
        ("What is the deadline for the submission of tenders?", AnswerKind.DATE, "br:1"),
        ("What is the estimated value of the contract?", AnswerKind.MONEY, "br:2"),
        ("Which type of procurement procedure is used?", AnswerKind.PROCEDURE, "br:0"),
        ("What are the award criteria?", AnswerKind.CRITERIA, "br:3"),
    ],
)
def test_portuguese_evidence_ranks_first_for_english_questions(
    make_pdf_units, question: str, kind: AnswerKind, expected: str
) -> None:
    pages = [
        "PREFEITURA MUNICIPAL\nEDITAL DE LICITAÇÃO\nPREGÃO ELETRÔNICO Nº 12/2025",
        "DATA DA SESSÃO PÚBLICA\nDia 04/02/2025 às 10h15 horas",
        "VALOR TOTAL ESTIMADO DA CONTRATAÇÃO\nR$ 2.345.678,90",
        "CRITÉRIO DE JULGAMENTO:\nmenor preço por item",
        "Item 1 cadeira R$ 120,00\nItem 2 mesa R$ 340,00\nGarantia contratual R$ 9.000,00",
    ]
    index = BuiltinIndex(chunk_units("br", "br.pdf", "pdf", make_pdf_units(pages)))

    hits = index.search(question, kind=kind)

    assert hits and hits[0].chunk.chunk_id == expected
