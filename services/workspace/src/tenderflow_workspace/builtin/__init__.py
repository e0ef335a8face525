"""The builtin workspace backend: chunking with provenance, typed signals and lexical retrieval."""

from tenderflow_workspace.builtin.chunking import Chunk, chunk_units
from tenderflow_workspace.builtin.index import BuiltinIndex, Hit
from tenderflow_workspace.builtin.signals import Signal, SignalKind, detect_signals

__all__ = [
    "BuiltinIndex",
    "Chunk",
    "Hit",
    "Signal",
    "SignalKind",
    "chunk_units",
    "detect_signals",
]
