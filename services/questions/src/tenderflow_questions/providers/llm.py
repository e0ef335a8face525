"""What every model-backed provider shares: the procurement prompt, reading the reply, and the grounding check.

The model is asked for a short answer, the exact sentence or phrase that supports it, and the number of the
passage it came from, or "not stated". A reply is read defensively (code fences, text around the JSON, a bare
answer); the quote must then be found, normalised, in the passages: an answer whose quote is nowhere is kept but
marked ungrounded, and its confidence falls (see `llm_confidence`).
"""

import json
import re
import unicodedata
from dataclasses import dataclass

from pydantic import BaseModel, Field, ValidationError

from tenderflow_common.contracts.questions import Citation
from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.providers.base import AnswerRequest

NOT_STATED = "not stated"
SNIPPET_CHARS = 300
MIN_QUOTE_CHARS = 8
PASSAGE_CHARS = 1500
PROMPT_PASSAGE_CHARS = 9000
"""Passages stop being added past this many characters (about 2,500 tokens), so the prompt and a 512-token answer
fit a 4,096-token context, as small local models have."""

SYSTEM_PROMPT = (
    "You answer questions about a public procurement tender using only the numbered passages given. "
    "Give the shortest answer that is complete: a name, a date, an amount with its currency, a code, a few words. "
    "Copy the exact words from the passage that state it as the quote, and give the passage number. "
    f"If the passages do not state the answer, the answer is \"{NOT_STATED}\" and the quote is empty. "
    "Never guess. Reply with one JSON object with the fields answer, quote and passage (a number), and nothing "
    "else."
)


class ModelReply(BaseModel):
    """The structured reply every provider asks its model for."""

    answer: str = Field(description=f"The short answer, or \"{NOT_STATED}\".")
    quote: str = Field(default="", description="The exact words of the passage that state the answer.")
    passage: int = Field(default=0, description="The number of the passage the quote comes from.")


REPLY_SCHEMA = ModelReply.model_json_schema()


def user_prompt(request: AnswerRequest) -> str:
    """The passages, best first, numbered and located, as many as fit; then the question."""
    blocks: list[str] = []
    for number, passage in enumerate(request.passages, start=1):
        block = f"[{number}] ({_location(passage)})\n{passage.text[:PASSAGE_CHARS]}"
        if blocks and sum(map(len, blocks)) + len(block) > PROMPT_PASSAGE_CHARS:
            break
        blocks.append(block)
    return "Passages:\n\n" + "\n\n".join(blocks) + f"\n\nQuestion: {request.question.text}"


def _location(passage: Passage) -> str:
    where = (f"page {passage.page}" if passage.page is not None else f"row {passage.row}" if passage.row is not None
             else passage.path or "")
    return f"{passage.file}{', ' + where if where else ''}"


def parse_reply(text: str) -> ModelReply | None:
    """The reply as structured data; None when nothing usable came back."""
    cleaned = re.sub(r"^```(?:json)?\s*|\s*```$", "", text.strip())
    for candidate in (cleaned, *_json_objects(cleaned)):
        try:
            return ModelReply.model_validate(json.loads(candidate, strict=False))
        except (ValueError, ValidationError):
            continue
    return None


def _json_objects(text: str) -> list[str]:
    start = text.find("{")
    end = text.rfind("}")
    return [text[start:end + 1]] if 0 <= start < end else []


def normalised(text: str) -> str:
    """Case, width, quotes, dashes and spacing folded, so a quote matches the passage it was copied from."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                                         "\u2014": "-", "\u00a0": " "}))
    return re.sub(r"\s+", " ", text).strip(" .;:,")


@dataclass(frozen=True)
class Grounded:
    """Where a reply's quote was found, if anywhere."""

    passage: Passage | None
    grounded: bool


def ground(reply: ModelReply, passages: list[Passage]) -> Grounded:
    """Find the quote in the cited passage, then in any other; a reply without a quote is grounded by its answer.

    A quote shorter than MIN_QUOTE_CHARS grounds nothing: "1" or "EUR" is found in almost any passage by chance."""
    quote = normalised(reply.quote) or normalised(reply.answer)
    cited = passages[reply.passage - 1] if 1 <= reply.passage <= len(passages) else None
    if len(quote) < MIN_QUOTE_CHARS:
        return Grounded(cited, False)
    ordered = ([cited] if cited else []) + [passage for passage in passages if passage is not cited]
    for passage in ordered:
        if quote in normalised(passage.text):
            return Grounded(passage, True)
    return Grounded(cited, False)


def answer_of(reply: ModelReply | None) -> str | None:
    """The answer, or None when the model said it is not stated."""
    if reply is None:
        return None
    answer = reply.answer.strip()
    if normalised(answer) in ("", NOT_STATED, "not specified", "unknown", "n/a", "none"):
        return None
    return answer


def citation(passage: Passage, quote: str) -> Citation:
    """A citation to the same file/page/path/row an extractive one would give, with the quote as its snippet."""
    snippet = quote.strip() or passage.text
    return Citation(file=passage.file, page=passage.page, path=passage.path, row=passage.row,
                    snippet=snippet[:SNIPPET_CHARS])


def agrees(answer: str, other: str | None) -> float:
    """1 when the extractive answer says the same (one holds the other), 0 when it differs, 0.5 when it has none."""
    if other is None:
        return 0.5
    mine, theirs = normalised(answer), normalised(other)
    return 1.0 if mine in theirs or theirs in mine else 0.0


def llm_confidence(*, grounded: bool, retrieval: float, agreement: float, fragment_coverage: float | None) -> float:
    """How far a model's answer is backed: see the README's confidence section."""
    base = 0.5 * (1.0 if grounded else 0.0) + 0.2 * _clamp(retrieval) + 0.3 * _clamp(agreement)
    if not grounded:
        base = min(base, 0.3)
    score = base if fragment_coverage is None else 0.65 * base + 0.35 * _clamp(fragment_coverage)
    return round(_clamp(score), 4)


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))
