"""`python -m evaluation --model provider:model --compare` against a fake OpenAI server: a model's run is scored
like the extractive one, a question the provider failed on counts as wrong, and the two are reported side by side.

Like the extractive evaluation, the harness runs in its own process (see test_questions_evaluation.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tenderflow_common.testing.llm_fakes.script import ErrorResponse, Reply

REPO_ROOT = Path(__file__).resolve().parents[4]
# Two tenders are enough to see a model's run scored and compared; the whole set is test_questions_evaluation's.
TENDERS = ("ted/21-000061-001-EXP.xml", "ocds/nsw-1.json")


def test_a_model_is_evaluated_and_compared_with_extractive(tmp_path, fake_openai):
    fake_openai.enqueue(ErrorResponse(400, "Unsupported value."),
                        Reply({"answer": "Someone else", "quote": "words in no passage", "passage": 1}))
    fake_openai.script(Reply({"answer": "not stated", "quote": "", "passage": 0}))
    env = {name: value for name, value in os.environ.items() if not name.startswith("TENDERFLOW_")} | {
        "TENDERFLOW_OPENAI_BASE_URL": fake_openai.base_url, "TENDERFLOW_OPENAI_API_KEY": fake_openai.api_key,
        "TENDERFLOW_OPENAI_STRUCTURED_OUTPUT": "json_object"}
    output = tmp_path / "summaries.json"

    completed = subprocess.run(
        [sys.executable, "-m", "evaluation", "--model", "openai:tiny", "--compare", "--json", str(output),
         *(arg for tender in TENDERS for arg in ("--tender", tender))],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)

    assert completed.returncode == 0, completed.stderr[-4000:]
    extractive, model = json.loads(output.read_text(encoding="utf-8")).values()
    assert (extractive["model"], model["model"]) == ("extractive:default", "openai:tiny")
    assert model["total"] == extractive["total"] == len(model["outcomes"])
    assert set(model["per_tender"]) == set(extractive["per_tender"]) == set(TENDERS)
    assert model["failed"] == {"count": 1, "codes": {"openai_rejected": 1}}
    assert model["answered"] == model["wrong_answers"] == 1
    assert model["grounded"] == {"checked": 1, "grounded": 0, "share": 0.0}
    assert model["right"] == model["calibration"]["right_abstentions"] < extractive["right"]
    failed = next(row for row in model["outcomes"] if row["error"])
    assert failed["right"] is False and failed["answer"] is None
    assert model["timing"]["seconds_per_question"] > 0 and extractive["grounded"]["share"] is None

    chats = fake_openai.requests_to("/v1/chat/completions")
    assert 0 < len(chats) <= model["total"]
    assert {chat.json["model"] for chat in chats} == {"tiny"}
    assert {chat.json["response_format"]["type"] for chat in chats} == {"json_object"}
    assert "Side by side" in completed.stdout and "grounded share of answers" in completed.stdout
