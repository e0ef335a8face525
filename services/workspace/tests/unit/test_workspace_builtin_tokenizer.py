"""The tokenizer turns field paths and multilingual prose into comparable words."""

from __future__ import annotations

from tenderflow_workspace.builtin.tokenizer import expand, tokenize


def test_camel_case_paths_become_words() -> None:
    assert tokenize("releases[0].tender.tenderPeriod.endDate: 2024-03-01") == [
        "release",
        "0",
        "tender",
        "tender",
        "period",
        "end",
        "date",
        "2024",
        "03",
        "01",
    ]


def test_snake_case_element_names_become_words() -> None:
    assert tokenize("PROCEDURE/DATE_RECEIPT_TENDERS") == ["procedure", "date", "receipt", "tender"]


def test_acronyms_followed_by_words_are_split() -> None:
    assert tokenize("RFTAccess") == ["rft", "access"]


def test_accents_are_folded_and_stopwords_dropped() -> None:
    assert tokenize("Date limite de réception des offres") == ["date", "limite", "reception", "offre"]
    assert tokenize("Die Frist für die Angebotsabgabe") == ["frist", "fur", "angebotsabgabe"]


def test_plurals_fold_but_short_words_and_double_s_do_not() -> None:
    assert tokenize("lots tenders address bus gas") == ["lot", "tender", "address", "bus", "gas"]


def test_non_latin_scripts_survive() -> None:
    assert tokenize("Строителни работи") == ["строителни", "работи"]


def test_expansion_adds_procurement_synonyms_once_and_in_order() -> None:
    expansion = expand(tokenize("submission deadline"))

    assert expansion[:4] == ["receipt", "closing", "submit", "end"]
    assert len(expansion) == len(set(expansion))
    assert "submission" not in expansion and "deadline" not in expansion


def test_expansion_of_unknown_words_is_empty() -> None:
    assert expand(["snowplough"]) == []
