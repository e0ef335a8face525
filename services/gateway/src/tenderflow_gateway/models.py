"""Tenants, their hashed API keys, the audit trail, accepted submissions, and the messaging tables."""

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table, func

from tenderflow_common.db import UtcDateTime, new_metadata
from tenderflow_common.messaging_tables import messaging_tables

metadata = new_metadata()
messaging = messaging_tables(metadata)

tenants = Table(
    "tenants",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False, server_default=func.now()),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("tenant_id", String(64), ForeignKey("tenants.id"), nullable=False, index=True),
    Column("prefix", String(32), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False, server_default=func.now()),
    Column("revoked_at", UtcDateTime()),
    Column("scopes", String(100), nullable=False, server_default="read write"),
    Column("expires_at", UtcDateTime()),
    Column("last_used_at", UtcDateTime()),
)

auth_events = Table(
    "auth_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("occurred_at", UtcDateTime(), nullable=False, server_default=func.now(), index=True),
    Column("event", String(32), nullable=False),
    Column("tenant_id", String(64), index=True),
    Column("key_id", String(64)),
    Column("actor", String(100)),
    Column("client_address", String(64)),
    Column("reason", String(200)),
)

submissions = Table(
    "submissions",
    metadata,
    Column("job_id", String(64), primary_key=True),
    Column("tenant_id", String(64), ForeignKey("tenants.id"), nullable=False, index=True),
    Column("filename", String(500), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False, server_default=func.now()),
    # The W3C context of the upload that started the job's trace: a traced status poll links to it.
    Column("trace_context", JSON),
)
