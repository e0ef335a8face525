"""Every extracted document is told its language (ISO 639-1) from its own words."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from tenderflow_ingest.extractors import extract
from tenderflow_ingest.language import detect_language
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.sandbox import extract_in_sandbox

SENTENCES = {
    "en": "The supplier shall deliver the goods to the buyer and the contract is awarded by this tender.",
    "pt": "O edital da licitação e os anexos estão disponíveis na prefeitura do município, com a proposta.",
    "es": "El pliego de la contratación y los anexos del contrato están disponibles según el órgano.",
    "ru": "Документация для закупки и условия договора по лоту, заказчик не принимает предложения.",
    "de": "Der Auftrag wird nach der Vergabe mit dem Bieter geschlossen und ist für die Stadt bindend.",
    "fr": "Le marché est attribué par le pouvoir adjudicateur pour les travaux et une offre sur cette base.",
}


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_each_language_is_told_by_its_common_words(language: str) -> None:
    assert detect_language([SENTENCES[language]]) == language


def test_too_few_common_words_say_nothing() -> None:
    assert detect_language(["12345 67", "Acme GmbH"]) is None
    assert detect_language([]) is None


def test_one_shared_word_repeated_does_not_outweigh_several_words() -> None:
    english = "the supplier shall sign the contract for this tender with the buyer"
    danish_headings = ["Kontraktens genstand da " * 20, english]
    assert detect_language(danish_headings) == "en"


def test_only_the_languages_asked_about_are_candidates() -> None:
    assert detect_language([SENTENCES["fr"]], among=("en", "pt")) is None


def test_extractions_carry_their_language(tmp_path: Path) -> None:
    text = tmp_path / "notice.txt"
    text.write_text(SENTENCES["es"] + "\n", encoding="utf-8")
    assert extract(text, "text", IngestLimits()).language == "es"
    table = tmp_path / "lots.csv"
    table.write_text("Lote;Descripción\n1;" + SENTENCES["es"] + "\n", encoding="utf-8")
    assert extract(table, "csv", IngestLimits()).language == "es"


def test_json_field_names_do_not_make_a_french_release_english(tmp_path: Path) -> None:
    release = {"ocid": "ocds-1", "tender": {"title": SENTENCES["fr"], "description": SENTENCES["fr"]},
               "buyer": {"name": "Ville de Montréal"}}
    path = tmp_path / "release.json"
    path.write_text(json.dumps(release), encoding="utf-8")
    assert extract(path, "json", IngestLimits()).language == "fr"


async def test_the_language_comes_back_from_the_sandbox(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(SENTENCES["pt"] + "\n", encoding="utf-8")
    extraction = await extract_in_sandbox(path, "text", IngestLimits(), threading.Event())
    assert extraction.language == "pt"
