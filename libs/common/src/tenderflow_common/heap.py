"""Garbage-collector settings for a long-running service that parses many small messages."""

import gc

# The default (700) runs a young collection every few messages of a poll, and each one walks the poll's envelopes
# again: parsing a poll cost about twice its own work. Ten thousand keeps the pauses short and rare.
YOUNG_COLLECTION_THRESHOLD = 10_000


def settle() -> None:
    """Collect the young generation less often, once start-up is done (its older generations keep their pace)."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, old)
