"""Message contracts, one module per owning service; importing this package registers them all."""

from tenderflow_common.contracts import ingest, jobs, questions, uploads, workspace  # noqa: F401
