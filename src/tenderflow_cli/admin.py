"""`tenderflow tenants ...` and `tenderflow keys ...`: tenants and their API keys."""

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tenderflow_cli.gateway_db import gateway_session
from tenderflow_gateway import repository
from tenderflow_gateway.domain import DEFAULT_KEY_SCOPES, SCOPES, TENANT_NAME

tenants_app = typer.Typer(no_args_is_help=True, help="Create and list tenants.")
keys_app = typer.Typer(no_args_is_help=True, help="Create, list and revoke API keys.")
console = Console()
DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Use embedded mode's data folder instead of the "
                                              "configured gateway database.")]


def _check_tenant_name(name: str) -> str:
    if not TENANT_NAME.match(name):
        raise typer.BadParameter("use 1-63 lowercase letters, digits or dashes, starting with a letter or digit")
    return name


def _check_scopes(scopes: list[str] | None) -> list[str] | None:
    unknown = sorted(set(scopes or ()) - set(SCOPES))
    if unknown:
        raise typer.BadParameter(f"unknown scope {unknown[0]!r}; use read, write or admin")
    return scopes


Scopes = Annotated[list[str] | None, typer.Option("--scope", callback=_check_scopes,
                                                  help="read, write or admin; repeat for several [default: read "
                                                       "and write].")]


@tenants_app.command("create")
def create_tenant(name: str = typer.Argument(..., callback=_check_tenant_name), data_dir: DataDir = None) -> None:
    """Create a tenant (nothing happens if it exists)."""

    async def run() -> str:
        async with gateway_session(data_dir) as session:
            return await repository.ensure_tenant(session, name)

    console.print(f"tenant {name}: {asyncio.run(run())}")


@tenants_app.command("list")
def list_tenants(data_dir: DataDir = None) -> None:
    """List tenants."""

    async def run() -> list[dict]:
        async with gateway_session(data_dir) as session:
            return await repository.list_tenants(session)

    table = Table("name", "id", "created")
    for tenant in asyncio.run(run()):
        table.add_row(tenant["name"], tenant["id"], str(tenant["created_at"]))
    console.print(table)


@keys_app.command("create")
def create_key(tenant: str = typer.Option(..., "--tenant", callback=_check_tenant_name,
                                          help="Tenant name; created if missing."),
               scope: Scopes = None,
               data_dir: DataDir = None) -> None:
    """Create an API key; the key is printed once, as the last line."""

    async def run() -> tuple[str, str]:
        async with gateway_session(data_dir) as session:
            tenant_id = await repository.ensure_tenant(session, tenant)
            return await repository.create_key(session, tenant_id, scopes=frozenset(scope or DEFAULT_KEY_SCOPES))

    key_id, key = asyncio.run(run())
    typer.echo(f"Created key {key_id} for tenant {tenant}. Store it now; it is not shown again.")
    typer.echo(key)


@keys_app.command("list")
def list_keys(data_dir: DataDir = None) -> None:
    """List keys (their ids and prefixes, never the secrets)."""

    async def run() -> list[dict]:
        async with gateway_session(data_dir) as session:
            return await repository.list_keys(session)

    table = Table("id", "tenant", "prefix", "scopes", "created", "last used", "expires", "revoked")
    for key in asyncio.run(run()):
        table.add_row(key["id"], key["tenant"], key["prefix"], key["scopes"], str(key["created_at"]),
                      str(key["last_used_at"] or ""), str(key["expires_at"] or ""), str(key["revoked_at"] or ""))
    console.print(table)


@keys_app.command("revoke")
def revoke_key(key_id: str, data_dir: DataDir = None) -> None:
    """Revoke a key by id; requests with it get 401 from then on."""

    async def run() -> bool:
        async with gateway_session(data_dir) as session:
            return await repository.revoke_key(session, key_id)

    if not asyncio.run(run()):
        typer.echo(f"no live key with id {key_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id}")
