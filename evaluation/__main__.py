"""`python -m evaluation`: answer the default question set on every tender and report how well it went."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from evaluation.expectations import EXPECTED_ANSWERS, load_expectations
from evaluation.pipeline import TENDERS, TOP_K, Outcome, answer_tender, tender_files
from evaluation.report import render, score, summarize
from tenderflow_questions.providers import default_providers
from tenderflow_questions.question_sets import DEFAULT_SET_NAME, default_questions

MODEL = "extractive:default"


async def evaluate(tenders: Path, expected: Path) -> dict:
    questions = default_questions()
    expectations = load_expectations([question.id for question in questions], expected)
    found = {path.relative_to(tenders).as_posix(): path for path in tender_files(tenders)}
    if set(found) != set(expectations):
        raise SystemExit(f"tenders without expectations: {sorted(set(found) - set(expectations))}; "
                         f"expectations without tenders: {sorted(set(expectations) - set(found))}")
    provider = default_providers(concurrency=1).for_model(MODEL)
    outcomes: list[Outcome] = []
    for name, path in sorted(found.items()):
        outcomes += await answer_tender(name, path, questions, provider)
    return summarize(score(outcomes, expectations))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation", description=__doc__)
    parser.add_argument("--tenders", type=Path, default=TENDERS, help="folder with ted/*.xml and ocds/*.json")
    parser.add_argument("--expected", type=Path, default=EXPECTED_ANSWERS, help="expected answers (TOML)")
    parser.add_argument("--json", type=Path, help="also write the summary as JSON to this file")
    parser.add_argument("--details", action="store_true", help="list every answer, not only the wrong ones")
    args = parser.parse_args(argv)

    summary = asyncio.run(evaluate(args.tenders, args.expected))
    print(f"Question set {DEFAULT_SET_NAME} ({MODEL}, top_k {TOP_K}) on {len(summary['per_tender'])} tenders "
          f"from {args.tenders}\n")
    print(render(summary, details=args.details))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
