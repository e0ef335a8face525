"""Embedded mode uses `make llm-up`'s `.run/llm.env` for the `openai` provider only when the environment names none
of that provider's settings, and then takes the file's provider settings whole."""

import os

import pytest

from tenderflow_cli.local_model import answered_by_openai, apply_local_model_env, describe, read_env_file
from tenderflow_questions.providers import providers_from_settings
from tenderflow_questions.settings import QuestionsSettings

LLM_UP_FILE = ("TENDERFLOW_OPENAI_BASE_URL=http://127.0.0.1:8090/v1\n"
               "TENDERFLOW_OPENAI_API_KEY=local\n"
               "TENDERFLOW_OPENAI_STRUCTURED_OUTPUT=json_object\n"
               "TENDERFLOW_LOCAL_LLM_MODEL=gemma-3-270m\n")


@pytest.fixture
def env_file(tmp_path):
    path = tmp_path / ".run" / "llm.env"
    path.parent.mkdir()
    path.write_text(LLM_UP_FILE)
    return path


def test_the_file_configures_the_openai_provider_when_the_environment_names_none_of_it(env_file):
    environ = {"TENDERFLOW_QUESTIONS_TOP_K": "3", "PATH": "/usr/bin"}

    used = apply_local_model_env(env_file, environ)

    assert used == read_env_file(env_file)
    assert environ == {"TENDERFLOW_QUESTIONS_TOP_K": "3", "PATH": "/usr/bin",
                       "TENDERFLOW_OPENAI_BASE_URL": "http://127.0.0.1:8090/v1", "TENDERFLOW_OPENAI_API_KEY": "local",
                       "TENDERFLOW_OPENAI_STRUCTURED_OUTPUT": "json_object"}
    assert describe(used) == ("openai provider: the local model server of .run/llm.env at http://127.0.0.1:8090/v1 "
                              "(--model openai:gemma-3-270m)")


@pytest.mark.parametrize("already_set", ["TENDERFLOW_OPENAI_API_KEY", "TENDERFLOW_OPENAI_BASE_URL",
                                         "TENDERFLOW_OPENAI_STRUCTURED_OUTPUT"])
def test_any_openai_setting_in_the_environment_leaves_the_file_unused(env_file, already_set):
    environ = {already_set: "from-the-environment"}

    assert apply_local_model_env(env_file, environ) is None
    assert environ == {already_set: "from-the-environment"}


def test_no_file_changes_nothing(tmp_path):
    environ: dict[str, str] = {}

    assert apply_local_model_env(tmp_path / ".run" / "llm.env", environ) is None
    assert environ == {}


def test_only_the_providers_settings_are_taken_and_comments_are_skipped(tmp_path):
    path = tmp_path / "llm.env"
    path.write_text("# written by make llm-up\n\nTENDERFLOW_OPENAI_BASE_URL = http://127.0.0.1:8090/v1\n"
                    "TENDERFLOW_QUESTIONS_TOP_K=1\nOTHER=x\n")
    environ: dict[str, str] = {}

    apply_local_model_env(path, environ)

    assert environ == {"TENDERFLOW_OPENAI_BASE_URL": "http://127.0.0.1:8090/v1"}


@pytest.fixture
def clean_openai_environment(monkeypatch):
    """No openai setting in the environment; whatever a test puts there is removed afterwards."""
    names = {name for name in os.environ if name.startswith("TENDERFLOW_OPENAI_")}
    for name in names | {line.partition("=")[0] for line in LLM_UP_FILE.splitlines()}:
        monkeypatch.setenv(name, "")  # recorded, so that the end of the test restores it (or its absence)
        monkeypatch.delenv(name)


def test_the_questions_service_then_offers_openai_asking_for_json_objects(env_file, clean_openai_environment):
    apply_local_model_env(env_file)

    settings = QuestionsSettings()
    assert "openai" in providers_from_settings(settings).names
    assert settings.openai.base_url == "http://127.0.0.1:8090/v1"
    assert settings.openai.structured_output == "json_object"


@pytest.mark.parametrize(("model", "expected"), [("openai:gemma-3-270m", True), ("hybrid:openai:gemma-3-270m", True),
                                                 ("extractive:default", False), ("ollama:llama3", False),
                                                 (None, False)])
def test_the_note_is_for_models_the_openai_provider_answers(model, expected):
    assert answered_by_openai(model) is expected
