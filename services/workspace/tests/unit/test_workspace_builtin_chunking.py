"""Chunking keeps provenance, bounds window size and overlaps windows so no fact is cut in half."""

from __future__ import annotations

import dataclasses

import pytest

from tenderflow_workspace.builtin.chunking import MAX_WINDOW_WORDS, Chunk, chunk_units, split_into_windows


def _numbered_lines(count: int, words_per_line: int = 10) -> str:
    return "\n".join(" ".join(f"w{line}_{word}" for word in range(words_per_line)) for line in range(count))


def test_short_unit_becomes_one_chunk_with_its_provenance() -> None:
    units = [{"text": "Tender title: Supply of road salt", "page": 3, "path": None, "row": None}]

    chunks = chunk_units("doc-1", "notice.pdf", "pdf", units)

    assert chunks == [
        Chunk("doc-1:0", "doc-1", "notice.pdf", "pdf", "Tender title: Supply of road salt", 3, None, None, 0)
    ]


def test_chunk_ids_are_deterministic_and_ordinals_run_across_units() -> None:
    units = [{"text": _numbered_lines(80), "page": 1}, {"text": "Second page", "page": 2}]

    first = chunk_units("doc-7", "a.pdf", "pdf", units)
    second = chunk_units("doc-7", "a.pdf", "pdf", units)

    assert first == second
    assert [chunk.ordinal for chunk in first] == list(range(len(first)))
    assert [chunk.chunk_id for chunk in first] == [f"doc-7:{n}" for n in range(len(first))]
    assert first[-1].page == 2


def test_chunks_are_immutable() -> None:
    chunk = chunk_units("d", "f.csv", "csv", [{"text": "a: b", "row": 1}])[0]

    with pytest.raises(dataclasses.FrozenInstanceError):
        chunk.text = "changed"  # type: ignore[misc]


def test_long_page_is_split_into_bounded_overlapping_windows_on_line_boundaries() -> None:
    text = _numbered_lines(100)  # 1,000 words in lines of ten
    lines = set(text.split("\n"))

    windows = split_into_windows(text)

    assert len(windows) >= 4
    for window in windows:
        assert 200 <= len(window.split()) <= MAX_WINDOW_WORDS or window is windows[-1]
        assert set(window.split("\n")) <= lines
    for before, after in zip(windows, windows[1:], strict=False):
        assert before.split("\n")[-1] in after.split("\n")
    covered = {line for window in windows for line in window.split("\n")}
    assert covered == lines


def test_every_chunk_of_a_split_unit_keeps_the_unit_provenance() -> None:
    unit = {"text": _numbered_lines(90), "page": None, "path": "releases[0].tender", "row": None}

    chunks = chunk_units("ocds", "release.json", "json", [unit])

    assert len(chunks) > 1
    assert {(chunk.path, chunk.page, chunk.row, chunk.doc_type) for chunk in chunks} == {
        ("releases[0].tender", None, None, "json")
    }


def test_a_very_long_line_is_split_at_sentence_ends() -> None:
    sentence = "The contractor shall clear the road of snow within two hours of notice."
    text = " ".join([sentence] * 60)  # one 780-word line

    windows = split_into_windows(text)

    assert len(windows) > 2
    assert all(window.startswith("The contractor") and window.endswith("notice.") for window in windows)
    assert all(len(window.split()) <= MAX_WINDOW_WORDS for window in windows)


def test_text_without_any_boundary_is_split_by_words() -> None:
    text = " ".join(f"token{n}" for n in range(700))

    windows = split_into_windows(text)

    assert [len(window.split()) for window in windows] == [280, 280, 140]


def test_csv_rows_stay_one_chunk_each_with_exact_row_numbers(make_csv_units) -> None:
    units = make_csv_units(
        ["Lot", "Item", "Quantity"],
        [["1", "Road salt", "500 t"], ["2", "Grit", "200 t"], ["3", "Brine", "9 m3"]],
    )

    chunks = chunk_units("prices", "prices.csv", "csv", units)

    assert [(chunk.row, chunk.text) for chunk in chunks] == [
        (1, "Lot: 1; Item: Road salt; Quantity: 500 t"),
        (2, "Lot: 2; Item: Grit; Quantity: 200 t"),
        (3, "Lot: 3; Item: Brine; Quantity: 9 m3"),
    ]


def test_empty_and_blank_units_produce_no_chunks() -> None:
    units = [{"text": ""}, {"text": "  \n\n "}, {"text": None}, {"text": "Lot 1", "page": 4}]

    chunks = chunk_units("d", "f.pdf", "pdf", units)

    assert [(chunk.text, chunk.page, chunk.ordinal) for chunk in chunks] == [("Lot 1", 4, 0)]


def test_real_ted_notice_chunks_keep_every_line(tender_units) -> None:
    units = tender_units("ted/21-000061-001-EXP.xml")

    chunks = chunk_units("ted-61", "21-000061-001-EXP.xml", "xml", units)

    assert len(chunks) > len(units)  # the long object and award sections are split
    for unit in units:
        unit_chunks = chunk_units("ted-61", "21-000061-001-EXP.xml", "xml", [unit])
        lines = {line for chunk in unit_chunks for line in chunk.text.split("\n")}
        assert lines == {line for line in unit["text"].split("\n") if line.strip()}
