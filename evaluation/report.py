"""Scores outcomes against expectations: accuracy overall, by format, language, question and tender, and
calibration."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import Any

from evaluation.expectations import Expectation
from evaluation.pipeline import Outcome
from evaluation.tenders import ExpectedQuestion, Tender

DEFAULT_SET = "default"
FREE_FORM = "free-form"
TABLE = "table (free-form)"


@dataclass(frozen=True)
class Scored:
    """An outcome with its tender, its question's expectation and the verdict."""

    outcome: Outcome
    tender: Tender
    question: ExpectedQuestion
    right: bool

    @property
    def answered(self) -> bool:
        return self.outcome.answer is not None

    @property
    def expectation(self) -> Expectation:
        return self.question.expectation


def score(outcomes: Sequence[Outcome], tenders: Sequence[Tender]) -> list[Scored]:
    """A question the provider failed on is wrong, even where no answer was expected: it was never answered."""
    asked = {(tender.name, question.spec.id): (tender, question)
             for tender in tenders for question in tender.questions}
    scored = []
    for outcome in outcomes:
        tender, question = asked[outcome.tender, outcome.question_id]
        right = outcome.error is None and question.expectation.is_right(outcome.answer)
        scored.append(Scored(outcome, tender, question, right))
    return scored


def _question_sets(item: Scored) -> list[str]:
    """Default or free-form; a table question is counted among the free-form ones and on its own too."""
    if not item.question.free:
        return [DEFAULT_SET]
    return [FREE_FORM, TABLE] if item.question.table else [FREE_FORM]


def _group(scored: Sequence[Scored], keys: Callable[[Scored], str | list[str]]) -> dict[str, list[Scored]]:
    groups: dict[str, list[Scored]] = {}
    for item in scored:
        found = keys(item)
        for key in [found] if isinstance(found, str) else found:
            groups.setdefault(key, []).append(item)
    return groups


def _accuracy_rows(scored: Sequence[Scored], keys: Callable[[Scored], str | list[str]]) -> dict[str, Any]:
    return {key: _accuracy_row(items) for key, items in _group(scored, keys).items()}


def _mean_confidence(items: Sequence[Scored]) -> float | None:
    return round(fmean(item.outcome.confidence for item in items), 4) if items else None


def _count_and_mean(items: Sequence[Scored]) -> dict[str, Any]:
    return {"count": len(items), "mean_confidence": _mean_confidence(items)}


def _accuracy_row(items: Sequence[Scored]) -> dict[str, Any]:
    right = sum(item.right for item in items)
    answered = [item for item in items if item.answered]
    return {"right": right, "total": len(items), "accuracy": round(right / len(items), 4),
            "answered": len(answered), "mean_confidence_answered": _mean_confidence(answered)}


def _mean(values: Sequence[float], digits: int = 4) -> float | None:
    return round(fmean(values), digits) if values else None


def summarize(
    scored: Sequence[Scored], model: str = "extractive:default", *, refused: dict[str, list[str]] | None = None,
    unnamed_files: Sequence[str] = (), index_seconds: float = 0.0,
) -> dict[str, Any]:
    """Everything the report prints, as plain data (also what `--json` writes).

    `refused` lists per tender the files ingest refused (with the verdict code); `unnamed_files` are documents
    in the tenders folder that no tender names, so they were not evaluated; `index_seconds` is what packaging,
    extraction (OCR included) and indexing took.
    """
    answered = [item for item in scored if item.answered]
    abstained = [item for item in scored if not item.answered]
    failed = [item for item in scored if item.outcome.error is not None]
    judged = [item for item in answered if item.outcome.grounded is not None]
    right_answers = [item for item in answered if item.right]
    wrong_answers = [item for item in answered if not item.right]
    right_all = [item for item in scored if item.right]
    wrong_all = [item for item in scored if not item.right]
    return {
        "model": model,
        "total": len(scored),
        "right": len(right_all),
        "accuracy": round(len(right_all) / len(scored), 4) if scored else 0.0,
        "answered": len(answered),
        "wrong_answers": len(wrong_answers),
        "failed": {"count": len(failed),
                   "codes": dict(sorted(Counter(item.outcome.error for item in failed).items()))},
        # Only a model's answer is checked for grounding (its quote found in the passages); extractive answers
        # are taken from the passages, so they have no grounding to report.
        "grounded": {"checked": len(judged), "grounded": sum(bool(item.outcome.grounded) for item in judged),
                     "share": round(sum(bool(item.outcome.grounded) for item in judged) / len(judged), 4)
                     if judged else None},
        "timing": {"seconds_per_question": _mean([item.outcome.seconds for item in scored], 3),
                   "seconds_total": round(sum(item.outcome.seconds for item in scored), 1),
                   "indexing_seconds": round(index_seconds, 1)},
        "tokens": {"prompt_per_question": _mean([item.outcome.prompt_tokens for item in scored], 1),
                   "completion_per_question": _mean([item.outcome.completion_tokens for item in scored], 1)},
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
        "per_format": _accuracy_rows(scored, lambda item: item.tender.format),
        "per_language": _accuracy_rows(scored, lambda item: item.tender.language),
        "per_question_set": _accuracy_rows(scored, _question_sets),
        "per_question": _accuracy_rows(scored, lambda item: item.outcome.question_id),
        "per_tender": _accuracy_rows(scored, lambda item: item.outcome.tender),
        "refused_files": refused or {},
        "unnamed_files": list(unnamed_files),
        "outcomes": [
            {"tender": item.outcome.tender, "format": item.tender.format, "language": item.tender.language,
             "question": item.outcome.question_id, "free": item.question.free, "table": item.question.table,
             "answer": item.outcome.answer, "confidence": item.outcome.confidence,
             "citations": item.outcome.citations, "grounded": item.outcome.grounded, "error": item.outcome.error,
             "seconds": round(item.outcome.seconds, 3), "expected": item.expectation.describe(),
             "max_chars": item.expectation.max_chars, "too_long": item.expectation.too_long(item.outcome.answer),
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
        f"Answers given {summary['answered']}, wrong answers {summary['wrong_answers']}, right no-answers "
        f"{calibration['right_abstentions']}, missed {calibration['missed_answers']}",
        *_accuracy_table("Per format", summary["per_format"]),
        *_accuracy_table("Per language", summary["per_language"]),
        *_accuracy_table("Per question set", summary["per_question_set"]),
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
        f"{calibration['missed_answers']} missed (an answer was expected or the provider failed); a no-answer has "
        "confidence 0.",
        f"Provider failures: {_failures(summary)}",
        f"Grounded: {_grounded(summary)}",
        f"Time: {_seconds(summary)} per question, {summary['timing']['seconds_total']:.0f} s in all; indexing the "
        f"packages (extraction and OCR) {summary['timing']['indexing_seconds']:.0f} s",
        f"Files refused by ingest (not indexed): {_refused(summary)}",
    ]
    if summary["unnamed_files"]:
        lines.append(f"NOT EVALUATED, no tender names them: {', '.join(summary['unnamed_files'])}")
    if details:
        return "\n".join(lines + _answers("All answers", summary["outcomes"]))
    wrong = [row for row in summary["outcomes"] if not row["right"]]
    lines += _answers("Wrong answers (and provider failures)", [row for row in wrong if row["answer"] is not None
                                                                 or row["error"]])
    lines += _answers("Missed (no answer where one was expected)", [row for row in wrong if row["answer"] is None
                                                                     and not row["error"]])
    return "\n".join(lines)


def _answers(title: str, rows: Sequence[dict[str, Any]]) -> list[str]:
    if not rows:
        return ["", title, "(none)"]
    return ["", title, *_table(
        ["tender", "question", "ok", "conf", "answer", "expected"],
        [[row["tender"], row["question"], "yes" if row["right"] else "NO", row["confidence"],
          f"(failed: {row['error']})" if row.get("error") else _shorten(row["answer"]),
          _expected(row)] for row in rows],
        right_aligned={3},
    )]


def _expected(row: dict[str, Any]) -> str:
    """What was expected, and the length bound when the answer broke it."""
    expected = _shorten(row["expected"], 50)
    return f"{expected} (answer over {row['max_chars']} chars)" if row["too_long"] else expected


def _refused(summary: dict[str, Any]) -> str:
    refused = summary["refused_files"]
    return "; ".join(f"{tender}: {', '.join(files)}" for tender, files in refused.items()) or "none"


def _failures(summary: dict[str, Any]) -> str:
    failed = summary["failed"]
    if not failed["count"]:
        return "none"
    return f"{failed['count']} ({', '.join(f'{code} {n}' for code, n in failed['codes'].items())})"


def _grounded(summary: dict[str, Any]) -> str:
    grounded = summary["grounded"]
    if grounded["share"] is None:
        return "-" if summary["answered"] else "no answers"
    return f"{100 * grounded['share']:.1f}% ({grounded['grounded']}/{grounded['checked']})"


def _seconds(summary: dict[str, Any]) -> str:
    seconds = summary["timing"]["seconds_per_question"]
    return "-" if seconds is None else f"{seconds:.3f} s" if seconds < 1 else f"{seconds:.1f} s"


def render_comparison(summaries: Sequence[dict[str, Any]]) -> str:
    """Several summaries of the same questions on the same tenders, side by side: overall, then per format,
    language, question set and question."""
    def both(name: str, value: Callable[[dict[str, Any]], Any]) -> list[Any]:
        return [name, *(value(summary) for summary in summaries)]

    def confidence(key: str) -> Callable[[dict[str, Any]], Any]:
        return lambda summary: summary["calibration"][key]["mean_confidence"]

    columns = ["", *(summary["model"] for summary in summaries)]
    right = set(range(1, len(columns)))
    lines = ["Side by side", *_table(columns, [
        both("accuracy", lambda s: f"{s['right']}/{s['total']} = {100 * s['accuracy']:.1f}%"),
        both("answers given", lambda s: s["answered"]),
        both("wrong answers", lambda s: s["wrong_answers"]),
        both("right no-answers", lambda s: s["calibration"]["right_abstentions"]),
        both("missed (no answer, or failed)", lambda s: s["calibration"]["missed_answers"]),
        both("provider failures", _failures),
        both("mean confidence, right answers", confidence("right_answers")),
        both("mean confidence, wrong answers", confidence("wrong_answers")),
        both("grounded share of answers", _grounded),
        both("seconds per question", _seconds),
        both("prompt tokens per question", lambda s: f"{s['tokens']['prompt_per_question']:.0f}"
             if s["tokens"]["prompt_per_question"] else "-"),
    ], right_aligned=right)]
    for title, breakdown in (("format", "per_format"), ("language", "per_language"),
                             ("question set", "per_question_set"), ("question", "per_question")):
        lines += ["", f"Right per {title}", *_table([title, *columns[1:]], [
            [key, *(f"{s[breakdown][key]['right']}/{s[breakdown][key]['total']}" for s in summaries)]
            for key in summaries[0][breakdown]], right_aligned=right)]
    return "\n".join(lines)
