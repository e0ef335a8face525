"""The dev set's loader: every table of expected_answers.toml is a complete tender, and a broken table is refused
with its name.

The loader lives in the repository's evaluation/ folder (conftest.py makes it importable here).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.tenders import EXPECTED_ANSWERS, default_format, load_tenders
from tenderflow_questions.answering import classify_question
from tenderflow_questions.answering.extractive import LIST_KINDS
from tenderflow_questions.question_sets import default_questions

DEFAULTS = "".join(f"{question.id} = false\n" for question in default_questions())


def _is_list(text: str) -> bool:
    return classify_question(text) in LIST_KINDS


def _free(question_id: str, question: str = "When is the site visit?", answer: str = "false") -> str:
    return f'[["x.pdf".free]]\nid = "{question_id}"\nquestion = "{question}"\nanswer = {answer}\n'


def _load(tmp_path: Path, text: str):
    path = tmp_path / "expected.toml"
    path.write_text(text, encoding="utf-8")
    return load_tenders(path, default_questions(), _is_list)


def test_every_table_of_the_dev_set_is_a_complete_tender() -> None:
    tenders = load_tenders(EXPECTED_ANSWERS, default_questions(), _is_list)
    default_ids = [question.id for question in default_questions()]

    assert len(tenders) >= 9
    for tender in tenders:
        ids = [question.spec.id for question in tender.questions]
        assert ids[: len(default_ids)] == default_ids, tender.name
        assert len(set(ids)) == len(ids), tender.name
        assert all(question.free for question in tender.questions[len(default_ids):]), tender.name
        assert len(tender.language) == 2 and tender.format, tender.name


def test_a_package_keeps_its_files_and_takes_its_format_from_their_suffixes(tmp_path) -> None:
    text = f'["us/pair"]\nfiles = ["us/a.pdf", "us/b.xlsx", "us/c.pdf"]\nlanguage = "en"\n{DEFAULTS}'

    (tender,) = _load(tmp_path, text)

    assert tender.files == ("us/a.pdf", "us/b.xlsx", "us/c.pdf")
    assert tender.format == "pdf+xlsx" == default_format(tender.files)
    assert default_format(["ted/x.xml"]) == "xml"


def test_a_single_document_is_its_own_file_and_a_format_given_wins(tmp_path) -> None:
    (tender,) = _load(tmp_path, f'["x.pdf"]\nlanguage = "en"\nformat = "pdf-scanned"\n{DEFAULTS}')

    assert (tender.files, tender.format) == (("x.pdf",), "pdf-scanned")


def test_free_form_questions_come_after_the_default_set_and_lists_are_told_by_their_kind(tmp_path) -> None:
    text = (f'["x.pdf"]\nlanguage = "en"\n{DEFAULTS}'
            + _free("site-visit")
            + _free("weights", "What are the evaluation criteria and their weights?", '"price"')
            + _free("unit-price", "What is the unit price of item 3?", '"12,50"') + "table = true\n")

    (tender,) = _load(tmp_path, text)
    free = {question.spec.id: question for question in tender.questions if question.free}

    assert list(free) == ["site-visit", "weights", "unit-price"]
    assert free["site-visit"].spec.text == "When is the site visit?"
    assert not free["site-visit"].expectation.expects_answer
    assert free["weights"].expectation.list_answer and free["weights"].expectation.max_chars == 2000
    assert not free["unit-price"].expectation.list_answer and free["unit-price"].table
    assert not free["weights"].table
    defaults = {question.spec.id: question.expectation for question in tender.questions if not question.free}
    assert defaults["award_criteria"].list_answer and defaults["classification"].list_answer
    assert not defaults["title"].list_answer


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ('["x.pdf"]\nlanguage = "en"\nbuyer = "X"\n', "missing expectations"),
        (f'["x.pdf"]\nlanguage = "en"\nbudget = "X"\n{DEFAULTS}', "unknown keys ['budget']"),
        (f'["x.pdf"]\n{DEFAULTS}', "language"),
        (f'["x.pdf"]\nlanguage = "english"\n{DEFAULTS}', "language"),
        (f'["x.pdf"]\nlanguage = "en"\n{DEFAULTS}{_free("visit")}{_free("visit")}', "used twice: ['visit']"),
        (f'["x.pdf"]\nlanguage = "en"\n{DEFAULTS}{_free("buyer")}', "used twice: ['buyer']"),
        (f'["x.pdf"]\nlanguage = "en"\n{DEFAULTS}[["x.pdf".free]]\nid = "visit"\n', "needs id, question"),
        (f'["x.pdf"]\nlanguage = "en"\n{DEFAULTS}'.replace('buyer = false', 'buyer = []'), "non-empty list"),
        (f'["x.pdf"]\nlanguage = "en"\n{DEFAULTS}'.replace('buyer = false', 'buyer = [" "]'), "not a fragment"),
    ],
)
def test_a_broken_table_is_refused_with_its_name(tmp_path, text: str, complaint: str) -> None:
    with pytest.raises(ValueError, match="x.pdf") as refused:
        _load(tmp_path, text)

    assert complaint in str(refused.value)
