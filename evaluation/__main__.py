"""`python -m evaluation`: answer the default question set on every tender and report how well it went."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

from evaluation.expectations import EXPECTED_ANSWERS, load_expectations
from evaluation.pipeline import TENDERS, TOP_K, Outcome, answer_tender, tender_files
from evaluation.report import render, render_comparison, score, summarize
from tenderflow_cli.local_model import apply_local_model_env, describe
from tenderflow_questions.providers import Providers, UnknownModel, default_providers, providers_from_settings
from tenderflow_questions.question_sets import DEFAULT_SET_NAME, default_questions
from tenderflow_questions.settings import QuestionsSettings

EXTRACTIVE = "extractive:default"
LLM_ENV = Path(__file__).resolve().parents[1] / ".run" / "llm.env"


def providers_for(model: str) -> tuple[Providers, QuestionsSettings | None]:
    """The offline provider for `extractive`; otherwise the providers the questions service would offer with this
    environment, after `make llm-up`'s `.run/llm.env` when no `TENDERFLOW_OPENAI_*` variable is set."""
    if model.split(":", 1)[0] == "extractive":
        return default_providers(concurrency=1), None
    local_model = apply_local_model_env(LLM_ENV)
    if local_model is not None:
        print(describe(local_model, LLM_ENV), file=sys.stderr)
    settings = QuestionsSettings()
    return providers_from_settings(settings), settings


async def evaluate(tenders: Path, expected: Path, model: str = EXTRACTIVE) -> dict:
    questions = default_questions()
    expectations = load_expectations([question.id for question in questions], expected)
    found = {path.relative_to(tenders).as_posix(): path for path in tender_files(tenders)}
    if set(found) != set(expectations):
        raise SystemExit(f"tenders without expectations: {sorted(set(found) - set(expectations))}; "
                         f"expectations without tenders: {sorted(set(expectations) - set(found))}")
    providers, settings = providers_for(model)
    try:
        provider = providers.for_model(model)
    except UnknownModel as error:
        raise SystemExit(f"{error}; configure it with TENDERFLOW_* variables (see the README's Configuration), or "
                         "run `make llm-up` for the local model") from None
    parameters = {"temperature": settings.temperature, "max_tokens": settings.max_tokens} if settings else {}
    outcomes: list[Outcome] = []
    try:
        for name, path in sorted(found.items()):
            started = time.perf_counter()
            outcomes += await answer_tender(name, path, questions, provider, model.split(":", 1)[1], **parameters)
            if settings:  # a model is slow: show that it is getting on
                print(f"{model}: {name} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    finally:
        await providers.aclose()
    return summarize(score(outcomes, expectations), model)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation", description=__doc__)
    parser.add_argument("--tenders", type=Path, default=TENDERS, help="folder with ted/*.xml and ocds/*.json")
    parser.add_argument("--expected", type=Path, default=EXPECTED_ANSWERS, help="expected answers (TOML)")
    parser.add_argument("--model", default=EXTRACTIVE,
                        help="provider:model to evaluate, e.g. openai:gemma-3-270m after `make llm-up` (model "
                             "providers are configured as in the questions service: TENDERFLOW_* variables, else "
                             f".run/llm.env); default {EXTRACTIVE}")
    parser.add_argument("--compare", action="store_true",
                        help=f"also run {EXTRACTIVE} and print both side by side (with --json: both summaries)")
    parser.add_argument("--json", type=Path, help="also write the summary as JSON to this file")
    parser.add_argument("--details", action="store_true", help="list every answer, not only the wrong ones")
    args = parser.parse_args(argv)

    models = [EXTRACTIVE, args.model] if args.compare and args.model != EXTRACTIVE else [args.model]
    summaries = [asyncio.run(evaluate(args.tenders, args.expected, model)) for model in models]
    for summary in summaries:
        print(f"Question set {DEFAULT_SET_NAME} ({summary['model']}, top_k {TOP_K}) on "
              f"{len(summary['per_tender'])} tenders from {args.tenders}\n")
        print(render(summary, details=args.details) + "\n")
    if len(summaries) > 1:
        print(render_comparison(summaries))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        document = summaries[0] if len(summaries) == 1 else {summary["model"]: summary for summary in summaries}
        args.json.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
