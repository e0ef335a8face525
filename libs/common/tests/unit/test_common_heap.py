import gc

from tenderflow_common import heap


def test_settle_collects_the_young_generation_less_often_and_keeps_the_older_ones() -> None:
    before = gc.get_threshold()
    try:
        heap.settle()
        assert gc.get_threshold() == (heap.YOUNG_COLLECTION_THRESHOLD, before[1], before[2])
    finally:
        gc.set_threshold(*before)
