"""The outbox and processed-messages tables every service keeps in its own database."""

from dataclasses import dataclass

from sqlalchemy import JSON, BigInteger, Column, Integer, LargeBinary, MetaData, String, Table, func

from tenderflow_common.db import UtcDateTime

Id = BigInteger().with_variant(Integer(), "sqlite")


@dataclass(frozen=True)
class MessagingTables:
    """Outgoing messages waiting for the relay, and incoming ones already handled."""

    outbox: Table
    processed: Table


def messaging_tables(metadata: MetaData) -> MessagingTables:
    """Declare both tables on a service's own metadata."""
    outbox = Table(
        "outbox",
        metadata,
        Column("id", Id, primary_key=True, autoincrement=True),
        Column("message_id", String(200), nullable=False, unique=True),
        Column("topic", String(255), nullable=False),
        Column("key", String(255), nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("headers", JSON, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False, server_default=func.now()),
        Column("published_at", UtcDateTime(), nullable=True, index=True),
    )
    processed = Table(
        "processed_messages",
        metadata,
        Column("consumer", String(200), primary_key=True),
        Column("message_id", String(200), primary_key=True),
        # Housekeeping deletes by age, in batches: without the index each batch would scan the table.
        Column("processed_at", UtcDateTime(), nullable=False, server_default=func.now(), index=True),
    )
    return MessagingTables(outbox=outbox, processed=processed)
