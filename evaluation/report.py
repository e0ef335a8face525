"""Scores outcomes against expectations: accuracy overall, per question and per tender, and calibration."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import Any

from evaluation.expectations import Expectation
from evaluation.pipeline import Outcome


@dataclass(frozen=True)
class Scored:
    """An outcome with its expectation and verdict."""

    outcome: Outcome
    expectation: Expectation
    right: bool

    @property
    def answered(self) -> bool:
        return self.outcome.answer is not None


def score(outcomes: Sequence[Outcome], expectations: dict[str, dict[str, Expectation]]) -> list[Scored]:
    scored = []
    for outcome in outcomes:
        expectation = expectations[outcome.tender][outcome.question_id]
        scored.append(Scored(outcome, expectation, expectation.is_right(outcome.answer)))
    return scored


def _group(scored: Sequence[Scored], key: Callable[[Scored], str]) -> dict[str, list[Scored]]:
    groups: dict[str, list[Scored]] = {}
    for item in scored:
        groups.setdefault(key(item), []).append(item)
    return groups


def _mean_confidence(items: Sequence[Scored]) -> float | None:
    return round(fmean(item.outcome.confidence for item in items), 4) if items else None


def _count_and_mean(items: Sequence[Scored]) -> dict[str, Any]:
    return {"count": len(items), "mean_confidence": _mean_confidence(items)}


def _accuracy_row(items: Sequence[Scored]) -> dict[str, Any]:
    right = sum(item.right for item in items)
    answered = [item for item in items if item.answered]
    return {"right": right, "total": len(items), "accuracy": round(right / len(items), 4),
            "answered": len(answered), "mean_confidence_answered": _mean_confidence(answered)}


def summarize(scored: Sequence[Scored]) -> dict[str, Any]:
    """Everything the report prints, as plain data (also what `--json` writes)."""
    answered = [item for item in scored if item.answered]
    abstained = [item for item in scored if not item.answered]
    right_answers = [item for item in answered if item.right]
    wrong_answers = [item for item in answered if not item.right]
    right_all = [item for item in scored if item.right]
    wrong_all = [item for item in scored if not item.right]
    return {
        "total": len(scored),
        "right": len(right_all),
        "accuracy": round(len(right_all) / len(scored), 4) if scored else 0.0,
        "calibration": {
            # Answers given: a no-answer always has confidence 0, so it says nothing about calibration.
            "right_answers": _count_and_mean(right_answers),
            "wrong_answers": _count_and_mean(wrong_answers),
            "right_abstentions": sum(item.right for item in abstained),
            "missed_answers": sum(not item.right for item in abstained),
            # Every question, abstentions included with their confidence of 0.
            "right_all": _count_and_mean(right_all),
            "wrong_all": _count_and_mean(wrong_all),
        },
        "per_question": {key: _accuracy_row(items)
                         for key, items in _group(scored, lambda item: item.outcome.question_id).items()},
        "per_tender": {key: _accuracy_row(items)
                       for key, items in _group(scored, lambda item: item.outcome.tender).items()},
        "outcomes": [
            {"tender": item.outcome.tender, "question": item.outcome.question_id,
             "answer": item.outcome.answer, "confidence": item.outcome.confidence,
             "citations": item.outcome.citations, "expected": item.expectation.describe(),
             "right": item.right}
            for item in scored
        ],
    }


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], right_aligned: set[int]) -> list[str]:
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max([len(header)] + [len(row[n]) for row in cells]) for n, header in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(value.rjust(widths[n]) if n in right_aligned else value.ljust(widths[n])
                         for n, value in enumerate(values)).rstrip()

    return [line(headers), line(["-" * width for width in widths]), *(line(row) for row in cells)]


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _shorten(text: str | None, width: int = 60) -> str:
    if text is None:
        return "(no answer)"
    return text if len(text) <= width else text[: width - 1] + "…"


def _accuracy_table(title: str, rows: dict[str, dict[str, Any]]) -> list[str]:
    body = [[name, row["right"], row["total"], f"{100 * row['accuracy']:.1f}%", row["answered"],
             row["mean_confidence_answered"]] for name, row in rows.items()]
    return ["", title, *_table([title.split()[-1], "right", "total", "accuracy", "answered", "mean conf"],
                               body, right_aligned={1, 2, 3, 4, 5})]


def render(summary: dict[str, Any], details: bool = False) -> str:
    """The report as text tables."""
    calibration = summary["calibration"]
    lines = [
        f"Accuracy: {summary['right']}/{summary['total']} = {100 * summary['accuracy']:.1f}%",
        *_accuracy_table("Per question", summary["per_question"]),
        *_accuracy_table("Per tender", summary["per_tender"]),
        "",
        "Calibration (mean confidence)",
        *_table(
            ["", "count", "mean conf"],
            [["right answers", calibration["right_answers"]["count"],
              calibration["right_answers"]["mean_confidence"]],
             ["wrong answers", calibration["wrong_answers"]["count"],
              calibration["wrong_answers"]["mean_confidence"]],
             ["right, all questions", calibration["right_all"]["count"],
              calibration["right_all"]["mean_confidence"]],
             ["wrong, all questions", calibration["wrong_all"]["count"],
              calibration["wrong_all"]["mean_confidence"]]],
            right_aligned={1, 2},
        ),
        f"No answer: {calibration['right_abstentions']} right (nothing expected), "
        f"{calibration['missed_answers']} missed (an answer was expected); a no-answer has confidence 0.",
    ]
    shown = summary["outcomes"] if details else [row for row in summary["outcomes"] if not row["right"]]
    lines += ["", "All answers" if details else "Wrong"]
    if shown:
        lines += _table(
            ["tender", "question", "ok", "conf", "answer", "expected"],
            [[row["tender"], row["question"], "yes" if row["right"] else "NO", row["confidence"],
              _shorten(row["answer"]), _shorten(row["expected"], 50)] for row in shown],
            right_aligned={3},
        )
    else:
        lines.append("(none)")
    return "\n".join(lines)
