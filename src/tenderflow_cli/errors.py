"""Failures a user can act on: one line on stderr and exit status 1, the traceback only when asked for."""

import click
import typer
from sqlalchemy import make_url
from sqlalchemy.exc import DBAPIError
from typer.core import TyperGroup

DEBUG_VARIABLE = "TENDERFLOW_DEBUG"


class CliError(Exception):
    """A failure the user can do something about; the message says what failed and what to try, in one line."""


class ReportingGroup(TyperGroup):
    """The root command: a `CliError` from any command ends it with its message, or its traceback under --debug."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CliError as error:
            if ctx.params.get("debug"):
                raise
            typer.echo(f"{click.style('error:', fg='red')} {error}", err=True)
            raise typer.Exit(1) from None


def one_line(error: BaseException) -> str:
    """An exception's message on one line (a database driver's own, without SQLAlchemy's wrapping), or its type."""
    if isinstance(error, DBAPIError) and error.orig is not None:
        error = error.orig
    return " ".join(str(error).split()) or type(error).__name__


def without_password(database_url: str) -> str:
    return make_url(database_url).render_as_string(hide_password=True)
