"""Every setting a service reads is in the README's configuration table, so the table cannot fall behind."""

from pathlib import Path

import pydantic_settings
import pytest

from tenderflow_gateway.settings import GatewaySettings
from tenderflow_ingest.settings import IngestSettings
from tenderflow_jobs.settings import JobsSettings
from tenderflow_questions.settings import QuestionsSettings
from tenderflow_workspace.settings import WorkspaceSettings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
PER_SERVICE = {"HOST", "PORT", "DATABASE_URL"}


def environment_variables(settings_class: type[pydantic_settings.BaseSettings]) -> list[tuple[str, str]]:
    """(variable, field) for every field, following nested settings fragments."""
    prefix = settings_class.model_config.get("env_prefix", "")
    found = []
    for name, field in settings_class.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, pydantic_settings.BaseSettings):
            found += environment_variables(field.annotation)
        else:
            found.append(((prefix + name).upper(), name.upper()))
    return found


@pytest.mark.parametrize("settings_class", [GatewaySettings, IngestSettings, JobsSettings, QuestionsSettings,
                                            WorkspaceSettings])
def test_every_setting_is_documented(settings_class):
    missing = []
    for variable, field in environment_variables(settings_class):
        prefix = variable[: -len(field)]
        shorthand = any(f"`{prefix}" in line and f"_{field}`" in line for line in README.splitlines())
        per_service = field in PER_SERVICE and f"`TENDERFLOW_<SERVICE>_{field}`" in README
        if variable not in README and not per_service and not shorthand:
            missing.append(variable)
    assert not missing, f"not in README.md: {missing}"
