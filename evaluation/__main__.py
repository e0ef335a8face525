"""`python -m evaluation`: answer the default question set and each tender's own questions on every tender of
the dev set, and report how well it went."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from evaluation.pipeline import TENDERS, TOP_K, IndexedTender, Outcome, answer_tender, document_files, index_package
from evaluation.report import Scored, render, render_comparison, score, summarize
from evaluation.tenders import EXPECTED_ANSWERS, Tender, load_tenders
from tenderflow_cli.local_model import apply_local_model_env, describe
from tenderflow_questions.answering import classify_question
from tenderflow_questions.answering.extractive import LIST_KINDS
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


def dev_set(tenders: Path, expected: Path, only: Sequence[str] = ()) -> tuple[list[Tender], list[str]]:
    """The tenders of the expectations file (those named in `only`, when given), and the documents in the folder
    that no tender of the file names."""
    try:
        dev = load_tenders(expected, default_questions(), lambda text: classify_question(text) in LIST_KINDS)
    except ValueError as error:
        raise SystemExit(f"{expected}: {error}") from None
    named = {file for tender in dev for file in tender.files}
    absent = sorted(file for file in named if not (tenders / file).is_file())
    if absent:
        raise SystemExit(f"{expected} names files that are not in {tenders}: {absent}")
    unknown = sorted(set(only) - {tender.name for tender in dev})
    if unknown:
        raise SystemExit(f"{expected} has no tender named {unknown}")
    unnamed = [path.relative_to(tenders).as_posix() for path in document_files(tenders)]
    chosen = [tender for tender in dev if not only or tender.name in only]
    return chosen, [file for file in unnamed if file not in named]


def index_dev_set(tenders: Path, dev: Sequence[Tender]) -> tuple[dict[str, IndexedTender], float]:
    """Each tender's package indexed once, whichever models then answer on it; and the seconds it took.

    Packages are extracted in parallel, one process per core: OCR of a scan takes a core for tens of seconds
    (Tesseract runs with one thread), and the rest of the set need not wait for it.
    """
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=max(1, min(len(dev), os.cpu_count() or 1))) as pool:
        futures = {tender.name: pool.submit(index_package, [tenders / file for file in tender.files])
                   for tender in dev}
        indexes = {name: future.result() for name, future in futures.items()}
    return indexes, time.perf_counter() - started


async def evaluate(dev: Sequence[Tender], indexes: dict[str, IndexedTender], model: str = EXTRACTIVE) -> list[Scored]:
    """Every tender's questions, the default set then its own, answered by the model and scored."""
    providers, settings = providers_for(model)
    try:
        provider = providers.for_model(model)
    except UnknownModel as error:
        raise SystemExit(f"{error}; configure it with TENDERFLOW_* variables (see the README's Configuration), or "
                         "run `make llm-up` for the local model") from None
    parameters = {"temperature": settings.temperature, "max_tokens": settings.max_tokens} if settings else {}
    outcomes: list[Outcome] = []
    try:
        for tender in dev:
            started = time.perf_counter()
            outcomes += await answer_tender(tender.name, indexes[tender.name].index,
                                            [question.spec for question in tender.questions], provider,
                                            model.split(":", 1)[1], **parameters)
            if settings:  # a model is slow: show that it is getting on
                print(f"{model}: {tender.name} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    finally:
        await providers.aclose()
    return score(outcomes, dev)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation", description=__doc__)
    parser.add_argument("--tenders", type=Path, default=TENDERS,
                        help="folder of tender documents, the paths of the expectations file relative to it")
    parser.add_argument("--expected", type=Path, default=EXPECTED_ANSWERS, help="expected answers (TOML)")
    parser.add_argument("--model", default=EXTRACTIVE,
                        help="provider:model to evaluate, e.g. openai:gemma-3-270m after `make llm-up` (model "
                             "providers are configured as in the questions service: TENDERFLOW_* variables, else "
                             f".run/llm.env); default {EXTRACTIVE}")
    parser.add_argument("--compare", action="store_true",
                        help=f"also run {EXTRACTIVE} and print both side by side (with --json: both summaries)")
    parser.add_argument("--tender", action="append", default=[], metavar="NAME",
                        help="evaluate only this tender (a table name of the expectations file); may be repeated")
    parser.add_argument("--json", type=Path, help="also write the summary as JSON to this file")
    parser.add_argument("--details", action="store_true", help="list every answer, not only the wrong ones")
    args = parser.parse_args(argv)

    models = [EXTRACTIVE, args.model] if args.compare and args.model != EXTRACTIVE else [args.model]
    dev, unnamed = dev_set(args.tenders, args.expected, args.tender)
    indexes, index_seconds = index_dev_set(args.tenders, dev)
    refused = {name: [f"{file} ({code})" for file, code in indexed.refused]
               for name, indexed in indexes.items() if indexed.refused}
    summaries = [summarize(asyncio.run(evaluate(dev, indexes, model)), model, refused=refused,
                           unnamed_files=unnamed, index_seconds=index_seconds) for model in models]
    for summary in summaries:
        print(f"Question set {DEFAULT_SET_NAME} and each tender's own questions ({summary['model']}, top_k "
              f"{TOP_K}) on {len(summary['per_tender'])} tenders from {args.tenders}\n")
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
