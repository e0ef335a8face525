"""The builtin workspace backend: chunking with provenance, typed signals and lexical retrieval."""

from tenderflow_workspace.builtin.chunking import Chunk, chunk_units
from tenderflow_workspace.builtin.index import BuiltinIndex, Hit
from tenderflow_workspace.builtin.signals import (
    AnswerType,
    Signal,
    SignalKind,
    classify_question,
    detect_signals,
)

__all__ = [
    "AnswerType",
    "BuiltinIndex",
    "Chunk",
    "Hit",
    "Signal",
    "SignalKind",
    "chunk_units",
    "classify_question",
    "detect_signals",
]
