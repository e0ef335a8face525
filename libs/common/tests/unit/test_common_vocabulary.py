"""Cue phrases match folded text in any case and accent, and their spans point into the original text."""

from __future__ import annotations

import pytest

from tenderflow_common import vocabulary


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Presentación de la Oferta", "presentacion de la oferta"),
        ("SESSÃO PÚBLICA", "sessao publica"),
        ("Окончательный срок", "окончательныи срок"),
        ("Währung", "wahrung"),
    ],
)
def test_folding_keeps_one_character_for_one(text: str, folded: str) -> None:
    assert vocabulary.fold(text) == folded and len(folded) == len(text)


@pytest.mark.parametrize(
    ("cues", "text", "phrase"),
    [
        (vocabulary.DEADLINE, "PLAZO DE PRESENTACIÓN de ofertas", "PLAZO DE PRESENTACIÓN"),
        (vocabulary.OPENING, "Data da\nSessão Pública", "Data da\nSessão Pública"),
        (vocabulary.DEADLINE, "Окончательный срок подачи", "Окончательный срок"),
        (vocabulary.VALUE, "Valor total estimado: R$ 10,00", "Valor total estimado"),
        (vocabulary.NOT_VALUE, "Bid security (EMD)", "security"),
    ],
)
def test_cues_match_across_case_accents_and_line_breaks(cues: vocabulary.Cues, text: str, phrase: str) -> None:
    found = vocabulary.find_cues(cues, text)

    assert [text[match.start() : match.end()] for match in found][0] == phrase


def test_cues_start_at_a_word_boundary() -> None:
    assert vocabulary.find_cues(vocabulary.VALUE, "Interimbudget 2025") == []
