"""Garbage-collector settings for a long-running service that parses many small messages."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# The default (700) runs a young collection every few messages of a poll, and each one walks the poll's envelopes
# again: parsing a poll cost about twice its own work. Ten thousand keeps the pauses short and rare.
YOUNG_COLLECTION_THRESHOLD = 10_000

OBJECTS_PER_RECORD = 20
"""Young objects a record of a poll keeps alive until the poll is handled: decoding alone keeps 8 (its envelope,
payload and their lists), its record and delivery and the fold's work the rest."""

_put_off = 0
"""Young objects the polls being handled may allocate before a collection, beyond the threshold of no poll."""
_threshold = YOUNG_COLLECTION_THRESHOLD


def settle() -> None:
    """Collect the young generation less often, once start-up is done, and leave what start-up built out of every
    later collection: a full collection otherwise walks every imported module, class and schema again (folding
    20,000 job messages spent 0.18 CPU s in one of them). Its older generations keep their pace."""
    global _threshold
    _threshold = YOUNG_COLLECTION_THRESHOLD
    _set_young_threshold(_threshold + _put_off)
    gc.collect()  # garbage frozen now would never be collected
    gc.freeze()


@contextmanager
def young_collections_put_off(records: int) -> Iterator[None]:
    """Handle a poll of `records` without young collections until it has allocated `OBJECTS_PER_RECORD` a record.

    Each collection walks the poll's envelopes still alive again (a poll of 20,000 job messages spent a sixth of its
    time in 30 of them), and reference counting frees them once the poll is done. Unlike a collector switched off,
    a poll held up for long (a database away for minutes) still collects once it has allocated that much, so the
    garbage it and the rest of the process leave in cycles meanwhile stays bounded."""
    global _put_off, _threshold
    if _put_off == 0:
        _threshold = gc.get_threshold()[0]
    allowance = records * OBJECTS_PER_RECORD
    _put_off += allowance
    _set_young_threshold(_threshold + _put_off)
    try:
        yield
    finally:
        _put_off -= allowance
        _set_young_threshold(_threshold + _put_off)


def _set_young_threshold(threshold: int) -> None:
    _, middle, old = gc.get_threshold()
    gc.set_threshold(threshold, middle, old)
