"""The `tenderflow` command line."""

import typer

from tenderflow_cli.admin import keys_app, tenants_app
from tenderflow_cli.analyze import analyze
from tenderflow_cli.dev import dev
from tenderflow_cli.jobs_commands import jobs_app

app = typer.Typer(no_args_is_help=True, help="Tenderflow: tender packages in, cited answers out.")
app.command("analyze")(analyze)
app.command("dev")(dev)
app.add_typer(jobs_app, name="jobs")
app.add_typer(tenants_app, name="tenants")
app.add_typer(keys_app, name="keys")
