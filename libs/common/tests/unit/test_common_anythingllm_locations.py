"""Uploaded text marks where each unit came from, so any chunk AnythingLLM cuts from it can be cited again."""

from tenderflow_common.anythingllm.locations import Location, first_location, locate, plain_text, render_units
from tenderflow_common.testing.anythingllm_fake_text import metadata_header, split_text

PAGES = [{"text": f"Page {n} says: " + " ".join(f"word{n}x{i}" for i in range(150)), "page": n, "path": None,
          "row": None} for n in range(1, 4)]


def test_every_chunk_of_any_cut_names_the_unit_of_every_quote_in_it():
    text = render_units(PAGES)
    for size in (500, 1000, 1500):
        for chunk in split_text(text, size):
            with_header = metadata_header("notice.pdf", "1/1/2026, 1:00:00 PM") + chunk
            for n in range(1, 4):
                for i in range(150):
                    quote = f"word{n}x{i}"
                    if f"{quote} " in chunk + " ":
                        location, found = locate(with_header, quote)
                        assert found and location == Location(page=n), (size, quote)


def test_paths_and_rows_are_kept_and_a_quote_across_units_is_placed_where_it_starts():
    units = [{"text": "Buyer: City of Oslo", "page": None, "path": "releases[0].buyer.name", "row": None},
             {"text": "Lot 1, quay walls, 1000 EUR", "page": None, "path": None, "row": 7}]
    text = render_units(units)
    assert locate(text, "city of  OSLO") == (Location(path="releases[0].buyer.name"), True)
    assert locate(text, "quay walls") == (Location(row=7), True)
    assert locate(text, "Oslo Lot 1") == (Location(path="releases[0].buyer.name"), True)
    assert locate(text, "Bergen") == (None, False)
    assert plain_text(text) == "Buyer: City of Oslo Lot 1, quay walls, 1000 EUR"
    assert first_location(text) == Location(path="releases[0].buyer.name")


def test_text_without_markers_has_no_location_but_is_still_searchable():
    assert locate("Plain text from elsewhere", "from elsewhere") == (None, True)
    assert first_location("Plain text") is None
