"""`tenderflow analyze --model openai:...` in embedded mode finds the model server through `.run/llm.env` in the
current folder, as `make llm-up` leaves it, with nothing in the environment. A fake OpenAI server stands in for
the local one, so this checks the wiring, not a model."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tenderflow_common.testing.llm_fakes.script import Reply

TENDERS = Path(__file__).resolve().parents[3] / "shared" / "data" / "tenders"
QUESTIONS = [{"id": "buyer", "text": "Who is the contracting authority?"}]


def test_analyze_uses_the_model_server_named_in_run_llm_env(tmp_path, fake_openai):
    fake_openai.models.append("gemma-3-270m")
    fake_openai.script(Reply({"answer": "not stated", "quote": "", "passage": 0}))
    (tmp_path / ".run").mkdir()
    (tmp_path / ".run" / "llm.env").write_text(
        f"TENDERFLOW_OPENAI_BASE_URL={fake_openai.base_url}\nTENDERFLOW_OPENAI_API_KEY={fake_openai.api_key}\n"
        "TENDERFLOW_OPENAI_STRUCTURED_OUTPUT=json_object\nTENDERFLOW_LOCAL_LLM_MODEL=gemma-3-270m\n")
    package = tmp_path / "p.zip"
    with zipfile.ZipFile(package, "w") as archive:
        archive.write(TENDERS / "ocds" / "nsw-1.json", "release.json")
    (tmp_path / "questions.json").write_text(json.dumps(QUESTIONS))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TENDERFLOW_")}

    result = subprocess.run([sys.executable, "-m", "tenderflow_cli", "analyze", "p.zip", "--model",
                             "openai:gemma-3-270m", "--questions", "questions.json", "--format", "json",
                             "--data-dir", "data"], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=180)

    assert result.returncode == 0, result.stderr
    assert f"local model server of .run/llm.env at {fake_openai.base_url}" in result.stderr
    [row] = json.loads(result.stdout)["answers"]
    assert row["path"] == "llm" and row["error"] is None and row["answer"] is None
    [chat] = fake_openai.requests_to("/v1/chat/completions")
    assert chat.json["model"] == "gemma-3-270m" and chat.json["response_format"]["type"] == "json_object"
