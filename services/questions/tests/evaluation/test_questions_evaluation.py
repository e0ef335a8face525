"""The answer-quality evaluation (`make eval`) as a test: accuracy and calibration on the real tenders.

The harness in the repository's evaluation/ folder imports ingest, workspace and questions together, which a
service's tests must not do, so it runs in its own process and the test reads the summary it writes.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[4]
MIN_ACCURACY = 0.8


def _load_expectations_module():
    """The harness's matching rules; that module imports nothing from the services."""
    name = "tenderflow_evaluation_expectations"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "evaluation" / "expectations.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the class is created
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="module")
def summary(tmp_path_factory) -> dict:
    output = tmp_path_factory.mktemp("evaluation") / "summary.json"
    completed = subprocess.run(
        [sys.executable, "-m", "evaluation", "--json", str(output)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    return json.loads(output.read_text(encoding="utf-8"))


def test_every_tender_answers_every_default_question(summary) -> None:
    assert len(summary["per_tender"]) == 9
    assert {row["total"] for row in summary["per_tender"].values()} == {len(summary["per_question"])}
    assert summary["total"] == len(summary["outcomes"]) == 9 * len(summary["per_question"])


def test_accuracy_reaches_the_goal(summary) -> None:
    wrong = [f"{row['tender']} {row['question']}: {row['answer']!r} (expected {row['expected']})"
             for row in summary["outcomes"] if not row["right"]]

    assert summary["accuracy"] >= MIN_ACCURACY, "\n".join(wrong)


def test_right_answers_are_more_confident_than_wrong_ones(summary) -> None:
    right = summary["calibration"]["right_answers"]
    wrong = summary["calibration"]["wrong_answers"]

    assert right["count"] > 0
    assert wrong["count"] == 0 or right["mean_confidence"] > wrong["mean_confidence"]


def test_no_answer_carries_no_confidence(summary) -> None:
    assert all(row["confidence"] == 0.0 for row in summary["outcomes"] if row["answer"] is None)
    assert all(row["confidence"] > 0.0 for row in summary["outcomes"] if row["answer"] is not None)


@pytest.mark.parametrize(
    ("answer", "fragment", "found"),
    [
        ("1", "1", True),
        ("10", "1", False),
        ("2021/S 003-003543", "1", False),
        ("2018-05-07T17:00:00", "2018-05-07", True),
        ("Open procedure", "OPEN", True),
        ("Reopened procedure", "open", False),
        ("300,000,000  GBP", "300,000,000 gbp", True),
        ("1300,000,000 GBP", "300,000,000", False),
        ("ocds-34a6hz-01044-060931/001/USW", "01044-060931", True),
    ],
)
def test_fragments_match_whole_numbers_and_words(answer: str, fragment: str, found: bool) -> None:
    assert _load_expectations_module().contains_fragment(answer, fragment) is found


def test_no_answer_expected_is_right_only_without_an_answer() -> None:
    module = _load_expectations_module()
    nothing = module.Expectation(())
    both = module.Expectation((("Health", "Price"),))

    assert nothing.is_right(None) and not nothing.is_right("2018-05-07")
    assert both.is_right("Health: 10 %; Price: 30 %") and not both.is_right("Price: 30 %")
    assert not both.is_right(None)
