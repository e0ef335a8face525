import gc

from tenderflow_common import heap


def test_settle_collects_the_young_generation_less_often_and_keeps_the_older_ones() -> None:
    before = gc.get_threshold()
    try:
        heap.settle()
        assert gc.get_threshold() == (heap.YOUNG_COLLECTION_THRESHOLD, before[1], before[2])
    finally:
        gc.set_threshold(*before)


def test_settle_leaves_what_start_up_built_out_of_later_collections() -> None:
    before = gc.get_threshold()
    built = [["start-up"]]
    assert any(tracked is built for tracked in gc.get_objects())
    try:
        heap.settle()
        assert not any(tracked is built for tracked in gc.get_objects())
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
