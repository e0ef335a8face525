"""The answer-quality evaluation (`make eval`) as a test: accuracy and calibration on the real tenders.

The harness in the repository's evaluation/ folder imports ingest, workspace and questions together, which a
service's tests must not do, so it runs in its own process and the test reads the summary it writes. The whole
dev set is packaged, extracted (scans OCR'd when Tesseract is installed) and answered once per module.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[4]
# The structured notices and releases (TED XML, OCDS JSON), their default questions: the population the 80 %
# goal was set on.
STRUCTURED_FORMATS = {"xml", "json"}
MIN_STRUCTURED_ACCURACY = 0.8
# The whole dev set, every format and language, default and free-form questions: what the extractive provider
# reached when the set was assembled, rounded down to 0.05. A regression guard, to be raised as answering improves.
MIN_DEV_SET_ACCURACY = 0.9
DEFAULT_QUESTIONS = 11


def _evaluate(output: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "evaluation", "--json", str(output), *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=900, check=False)


@pytest.fixture(scope="module")
def summary(tmp_path_factory) -> dict:
    output = tmp_path_factory.mktemp("evaluation") / "summary.json"
    completed = _evaluate(output)
    assert completed.returncode == 0, completed.stderr[-4000:]
    return json.loads(output.read_text(encoding="utf-8"))


def _wrong(rows: list[dict]) -> str:
    return "\n".join(f"{row['tender']} {row['question']}: {row['answer']!r} (expected {row['expected']})"
                     for row in rows if not row["right"])


def _accuracy(rows: list[dict]) -> float:
    return sum(row["right"] for row in rows) / len(rows)


def test_every_document_of_the_data_folder_is_evaluated(summary) -> None:
    assert summary["unnamed_files"] == []


def test_every_tender_answers_every_default_question_then_its_own(summary) -> None:
    by_tender: dict[str, list[dict]] = {}
    for row in summary["outcomes"]:
        by_tender.setdefault(row["tender"], []).append(row)

    assert set(by_tender) == set(summary["per_tender"])
    for rows in by_tender.values():
        assert [row["free"] for row in rows] == [False] * DEFAULT_QUESTIONS + [True] * (len(rows) - DEFAULT_QUESTIONS)
        assert len({row["question"] for row in rows}) == len(rows)


def test_the_report_breaks_accuracy_down_by_format_language_and_question_set(summary) -> None:
    sets = summary["per_question_set"]

    assert sum(row["total"] for row in summary["per_format"].values()) == summary["total"]
    assert sum(row["total"] for row in summary["per_language"].values()) == summary["total"]
    assert sets["default"]["total"] == DEFAULT_QUESTIONS * len(summary["per_tender"])
    assert sets["default"]["total"] + sets.get("free-form", {"total": 0})["total"] == summary["total"]


def test_structured_tenders_reach_the_goal(summary) -> None:
    rows = [row for row in summary["outcomes"] if row["format"] in STRUCTURED_FORMATS and not row["free"]]

    assert len(rows) == 9 * DEFAULT_QUESTIONS
    assert _accuracy(rows) >= MIN_STRUCTURED_ACCURACY, _wrong(rows)


def test_the_dev_set_does_not_fall_below_its_floor(summary) -> None:
    assert summary["accuracy"] >= MIN_DEV_SET_ACCURACY, _wrong(summary["outcomes"])


def test_wrong_answers_are_less_confident_than_right_ones(summary) -> None:
    right = summary["calibration"]["right_answers"]
    wrong = summary["calibration"]["wrong_answers"]

    assert right["count"] > 0
    assert wrong["count"] == 0 or wrong["mean_confidence"] < right["mean_confidence"], _wrong(summary["outcomes"])


def test_no_answer_carries_no_confidence(summary) -> None:
    assert all(row["confidence"] == 0.0 for row in summary["outcomes"] if row["answer"] is None)
    assert all(row["confidence"] > 0.0 for row in summary["outcomes"] if row["answer"] is not None)


def test_only_scans_may_be_refused_and_only_for_want_of_text(summary) -> None:
    formats = {row["tender"]: row["format"] for row in summary["outcomes"]}
    for tender, files in summary["refused_files"].items():
        assert formats[tender] == "pdf-scanned"
        assert all(file.endswith("(no_text_layer)") for file in files)
