"""The `tenderflow` command line."""

import typer

app = typer.Typer(no_args_is_help=True, help="Tenderflow: tender packages in, cited answers out.")
