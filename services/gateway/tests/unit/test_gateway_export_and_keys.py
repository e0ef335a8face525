"""CSV exports never carry live formulas; API keys are random, hashed and shape-checked."""

import csv
import io

import pytest

from tenderflow_common.contracts.questions import AnswerRow, Citation, JobResults
from tenderflow_gateway.domain import InvalidQuestions, hash_api_key, looks_like_api_key, new_api_key, parse_questions
from tenderflow_gateway.export import neutralize, results_csv


@pytest.mark.parametrize("cell", ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx", "\nx", " =1+1", "\u00a0=1+1",
                                  "\r\n=1+1", " \t @cmd", "\uff1dcmd|' /C calc'!A0", "\uff0b1", "\uff0d1", "\uff20x",
                                  "\u3000=1", "\u200b=1", "\ufeff+1"])
def test_formula_cells_are_neutralized(cell):
    assert neutralize(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Stadt Wien", "", "  leading blanks", "1=1", "\u00a0Wien", "a-b", "\uff21"])
def test_plain_cells_are_kept(cell):
    assert neutralize(cell) == cell


def test_results_csv_neutralizes_every_column_and_can_carry_a_bom():
    row = AnswerRow(question_id="q", question="=HYPERLINK()", answer="@evil", confidence=0.5,
                    citations=[Citation(file="-a.pdf", page=2, snippet="x")])
    text = results_csv(JobResults(job_id="j", answers=[row]), bom=True)
    assert text.startswith("\ufeff")
    parsed = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert parsed[0]["question"] == "'=HYPERLINK()"
    assert parsed[0]["answer"] == "'@evil"
    assert parsed[0]["citations"].startswith("'-a.pdf (page 2)")


def test_api_keys_are_unique_and_stored_only_as_hashes():
    key, prefix = new_api_key()
    other, _ = new_api_key()
    assert key != other and looks_like_api_key(key) and prefix in key
    assert hash_api_key(key) != key and len(hash_api_key(key)) == 64
    assert not looks_like_api_key("tf_short_key")


@pytest.mark.parametrize("raw", ["[{", "{}", "[]", '[{"id": "a"}]', '[{"id":"a","text":"x"},{"id":"a","text":"y"}]'])
def test_bad_questions_are_refused(raw):
    with pytest.raises(InvalidQuestions):
        parse_questions(raw)


def test_deeply_nested_questions_are_refused_not_crashing():
    with pytest.raises(InvalidQuestions):
        parse_questions("[" * 100_000 + "]" * 100_000)
