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


def young_collections_while(allocate) -> int:
    """How many young collections ran while `allocate` kept what it made alive."""
    collected = []

    def note(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 0:
            collected.append(info)

    gc.collect()
    gc.callbacks.append(note)
    try:
        allocate()
    finally:
        gc.callbacks.remove(note)
    return len(collected)


def test_a_poll_puts_young_collections_off_for_its_records_and_overlapping_polls_add_up() -> None:
    before = gc.get_threshold()
    try:
        with heap.young_collections_put_off(100):
            assert gc.get_threshold()[0] == before[0] + 100 * heap.OBJECTS_PER_RECORD
            with heap.young_collections_put_off(50):
                assert gc.get_threshold()[0] == before[0] + 150 * heap.OBJECTS_PER_RECORD
            assert gc.get_threshold()[0] == before[0] + 100 * heap.OBJECTS_PER_RECORD
        assert gc.get_threshold() == before
    finally:
        gc.set_threshold(*before)


def test_a_poll_collects_nothing_within_its_allowance_and_collects_again_beyond_it() -> None:
    before = gc.get_threshold()
    records = 2_000
    try:
        gc.set_threshold(700, before[1], before[2])
        assert young_collections_while(lambda: [[n] for n in range(records * 8)]) > 10
        with heap.young_collections_put_off(records):
            assert young_collections_while(lambda: [[n] for n in range(records * 8)]) == 0
            # A poll held up allocates on: the collector comes back once the allowance is spent.
            assert young_collections_while(lambda: [[n] for n in range(records * heap.OBJECTS_PER_RECORD * 3)]) >= 2
    finally:
        gc.set_threshold(*before)
