"""The `tenderflow` command line."""

import typer

from tenderflow_cli.admin import keys_app, tenants_app

app = typer.Typer(no_args_is_help=True, help="Tenderflow: tender packages in, cited answers out.")
app.add_typer(tenants_app, name="tenants")
app.add_typer(keys_app, name="keys")
