"""Tenants, their hashed API keys, accepted submissions, and the messaging tables."""

from sqlalchemy import Column, ForeignKey, String, Table, func

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
)

submissions = Table(
    "submissions",
    metadata,
    Column("job_id", String(64), primary_key=True),
    Column("tenant_id", String(64), ForeignKey("tenants.id"), nullable=False, index=True),
    Column("filename", String(500), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False, server_default=func.now()),
)
