"""Every setting a service or the CLI reads is in the README's configuration table, so it cannot fall behind."""

from pathlib import Path

import click
import pydantic_settings
import pytest
import typer

from tenderflow_cli.main import app
from tenderflow_gateway.settings import GatewaySettings
from tenderflow_ingest.settings import IngestSettings
from tenderflow_jobs.settings import JobsSettings
from tenderflow_questions.settings import QuestionsSettings
from tenderflow_workspace.settings import WorkspaceSettings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
CONFIGURATION = README.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
PER_SERVICE = {"HOST", "PORT", "DATABASE_URL", "MIGRATION_DATABASE_URL"}


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


def cli_environment_variables(command: click.Command) -> set[str]:
    """The environment variables behind the options of `command` and all its subcommands."""
    found = {param.envvar for param in command.params if isinstance(param.envvar, str)}
    for subcommand in getattr(command, "commands", {}).values():
        found |= cli_environment_variables(subcommand)
    return found


def test_every_cli_setting_is_in_the_configuration_table():
    variables = cli_environment_variables(typer.main.get_command(app))
    assert {"TENDERFLOW_DEBUG", "TENDERFLOW_GATEWAY_URL", "TENDERFLOW_API_KEY"} <= variables
    missing = sorted(variable for variable in variables if f"`{variable}`" not in CONFIGURATION)
    assert not missing, f"not in README.md's configuration table: {missing}"
