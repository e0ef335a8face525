"""The `local_llm` fixture finds the model server in the environment first, then in `make llm-up`'s env file."""

import pytest

from tenderflow_common.testing import infra

KEYS = ("TENDERFLOW_OPENAI_BASE_URL", "TENDERFLOW_OPENAI_API_KEY", "TENDERFLOW_LOCAL_LLM_MODEL")


@pytest.fixture
def checkout(tmp_path, monkeypatch):
    """A checkout with no .run/llm.env yet and none of the settings in the environment."""
    for key in KEYS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setattr(infra, "repo_root", lambda: tmp_path)
    (tmp_path / ".run").mkdir()
    return tmp_path


def test_nothing_configured_finds_no_server(checkout):
    assert infra.local_llm_from_environment() is None


def test_the_env_file_written_by_llm_up(checkout):
    (checkout / ".run" / "llm.env").write_text(
        "TENDERFLOW_OPENAI_BASE_URL=http://127.0.0.1:8090/v1\nTENDERFLOW_OPENAI_API_KEY=local\n"
        "TENDERFLOW_LOCAL_LLM_MODEL=gemma-3-270m\n")
    assert infra.local_llm_from_environment() == infra.LocalLLM(
        base_url="http://127.0.0.1:8090/v1", model="gemma-3-270m", api_key="local")


def test_the_environment_wins_and_the_key_has_a_default(checkout, monkeypatch):
    (checkout / ".run" / "llm.env").write_text("TENDERFLOW_OPENAI_BASE_URL=http://127.0.0.1:8090/v1\n"
                                               "TENDERFLOW_LOCAL_LLM_MODEL=gemma-3-270m\n")
    monkeypatch.setenv("TENDERFLOW_OPENAI_BASE_URL", "http://127.0.0.1:9999/v1")
    assert infra.local_llm_from_environment() == infra.LocalLLM(
        base_url="http://127.0.0.1:9999/v1", model="gemma-3-270m", api_key="local")
