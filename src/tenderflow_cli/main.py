"""The `tenderflow` command line."""

from importlib.metadata import version as package_version
from typing import Annotated

import typer

from tenderflow_cli.admin import keys_app, tenants_app
from tenderflow_cli.analyze import analyze
from tenderflow_cli.dev import dev
from tenderflow_cli.errors import DEBUG_VARIABLE, ReportingGroup
from tenderflow_cli.jobs_commands import jobs_app

# Locals stay out of tracebacks: they would print API keys and database passwords.
app = typer.Typer(cls=ReportingGroup, no_args_is_help=True, pretty_exceptions_show_locals=False,
                  help="Tenderflow: tender packages in, cited answers out.")
app.command("analyze")(analyze)
app.command("dev")(dev)
app.add_typer(jobs_app, name="jobs")
app.add_typer(tenants_app, name="tenants")
app.add_typer(keys_app, name="keys")


def _print_version(requested: bool) -> None:
    if requested:
        typer.echo(f"tenderflow {package_version('tenderflow')}")
        raise typer.Exit()


@app.callback()
def options(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", envvar=DEBUG_VARIABLE,
                                        help="Show the traceback behind an error message.")] = False,
) -> None:
    """Options for every command; errors are one line on stderr unless --debug asks for the traceback."""
