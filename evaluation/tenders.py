"""The dev set: the tenders of expected_answers.toml, each with its files, language, format and questions."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from evaluation.expectations import Expectation
from tenderflow_common.contracts.shared import QuestionSpec

EXPECTED_ANSWERS = Path(__file__).with_name("expected_answers.toml")
# The default questions whose answer is a list; a free-form question's kind decides for it.
LIST_QUESTION_IDS = frozenset({"award_criteria", "classification"})
_TENDER_KEYS = {"files", "language", "format", "free"}
_FREE_KEYS = {"id", "question", "answer", "table"}
_LANGUAGE = re.compile(r"^[a-z]{2}$")


@dataclass(frozen=True)
class ExpectedQuestion:
    """One question asked on a tender and what it should get; free-form ones are the tender's own."""

    spec: QuestionSpec
    expectation: Expectation
    free: bool = False
    table: bool = False
    """A free-form question about one row of a table."""


@dataclass(frozen=True)
class Tender:
    """One package to ingest: a single document, or several files zipped together."""

    name: str
    files: tuple[str, ...]
    language: str
    format: str
    questions: tuple[ExpectedQuestion, ...]


def load_tenders(
    path: Path, default_questions: Sequence[QuestionSpec], is_list_question: Callable[[str], bool]
) -> list[Tender]:
    """Every table of the file as a tender; ValueError naming the table for anything missing or unknown.

    `is_list_question` tells from a free-form question's text whether its answer is a list (criteria, codes).
    """
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [_tender(name, table, default_questions, is_list_question) for name, table in data.items()]


def _tender(name: str, table: dict[str, Any], default_questions: Sequence[QuestionSpec],
            is_list_question: Callable[[str], bool]) -> Tender:
    default_ids = [question.id for question in default_questions]
    missing = [q for q in default_ids if q not in table]
    unknown = [key for key in table if key not in default_ids and key not in _TENDER_KEYS]
    if missing or unknown:
        raise ValueError(f"{name}: missing expectations {missing}, unknown keys {unknown}")
    files = table.get("files", [name])
    if not isinstance(files, list) or not files or not all(isinstance(file, str) for file in files):
        raise ValueError(f"{name}: files must be a non-empty list of paths")
    language = table.get("language")
    if not isinstance(language, str) or not _LANGUAGE.match(language):
        raise ValueError(f"{name}: language must be an ISO 639-1 code such as \"en\", not {language!r}")
    questions = [ExpectedQuestion(question, parse_expectation(f"{name} / {question.id}", table[question.id],
                                                              list_answer=question.id in LIST_QUESTION_IDS))
                 for question in default_questions]
    questions += [_free_question(name, raw, is_list_question) for raw in table.get("free", [])]
    ids = [question.spec.id for question in questions]
    repeated = sorted({question_id for question_id in ids if ids.count(question_id) > 1})
    if repeated:
        raise ValueError(f"{name}: question ids used twice: {repeated}")
    return Tender(name=name, files=tuple(files), language=language,
                  format=table.get("format") or default_format(files), questions=tuple(questions))


def _free_question(tender: str, raw: Any, is_list_question: Callable[[str], bool]) -> ExpectedQuestion:
    if not isinstance(raw, dict) or not {"id", "question", "answer"} <= raw.keys() or raw.keys() - _FREE_KEYS:
        raise ValueError(f"{tender}: a free-form question needs id, question and answer (and may set table): {raw!r}")
    spec = QuestionSpec(id=raw["id"], text=raw["question"])
    expectation = parse_expectation(f"{tender} / {spec.id}", raw["answer"], list_answer=is_list_question(spec.text))
    return ExpectedQuestion(spec, expectation, free=True, table=raw.get("table") is True)


def default_format(files: Sequence[str]) -> str:
    """The files' suffixes, e.g. "pdf", "xml" or "pdf+xlsx"."""
    return "+".join(sorted({PurePosixPath(file).suffix.lstrip(".").lower() or "text" for file in files}))


def parse_expectation(where: str, raw: Any, *, list_answer: bool = False) -> Expectation:
    """A fragment, a list of alternatives (each a fragment or a list of fragments all needed), or false."""
    if raw is False:
        return Expectation((), list_answer)
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items:
        raise ValueError(f"{where}: give a fragment, a non-empty list, or false")
    alternatives: list[tuple[str, ...]] = []
    for item in items:
        fragments = [item] if isinstance(item, str) else item
        if not isinstance(fragments, list) or not fragments or not all(
                isinstance(f, str) and f.strip() for f in fragments):
            raise ValueError(f"{where}: {item!r} is not a fragment or a list of fragments")
        alternatives.append(tuple(fragments))
    return Expectation(tuple(alternatives), list_answer)
