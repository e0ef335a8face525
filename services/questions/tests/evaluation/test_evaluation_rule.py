"""The evaluation's strict rule: an answer is right when it holds an expected fragment on word and number
boundaries and is about as short as the fragment (a list answer may run to 2,000 characters).

The rule lives in the repository's evaluation/ folder (conftest.py makes it importable here).
"""

from __future__ import annotations

import pytest

from evaluation import expectations as rule


@pytest.mark.parametrize(
    ("answer", "fragment", "found"),
    [
        ("1", "1", True),
        ("10", "1", False),
        ("2021/S 003-003543", "1", False),
        ("2018-05-07T17:00:00", "2018-05-07", True),
        ("Open procedure", "OPEN", True),
        ("Reopened procedure", "open", False),
        ("300,000,000  GBP", "300,000,000 gbp", True),
        ("1300,000,000 GBP", "300,000,000", False),
        ("ocds-34a6hz-01044-060931/001/USW", "01044-060931", True),
    ],
)
def test_fragments_match_whole_numbers_and_words(answer: str, fragment: str, found: bool) -> None:
    assert rule.contains_fragment(answer, fragment) is found


def test_no_answer_expected_is_right_only_without_an_answer() -> None:
    nothing = rule.Expectation(())
    both = rule.Expectation((("Health", "Price"),))

    assert nothing.is_right(None) and not nothing.is_right("2018-05-07")
    assert not nothing.too_long("x" * 81)  # wrong for being an answer at all, not for its length
    assert both.is_right("Health: 10 %; Price: 30 %") and not both.is_right("Price: 30 %")
    assert not both.is_right(None)


def _padded(fragment: str, length: int) -> str:
    """An answer of exactly `length` characters that holds the fragment."""
    return fragment + " " + "x" * (length - len(fragment) - 1)


def test_a_short_fragment_allows_an_answer_of_80_characters_and_not_one_more() -> None:
    expectation = rule.Expectation((("EUR",),))

    assert expectation.max_chars == 80
    assert expectation.is_right(_padded("EUR", 80))
    assert not expectation.is_right(_padded("EUR", 81))
    assert expectation.too_long(_padded("EUR", 81)) and not expectation.too_long(_padded("EUR", 80))


def test_a_long_fragment_allows_three_times_its_length_and_not_one_more() -> None:
    fragment = "Projektwettbewerb Wohnen im Alter Balzers"  # 41 characters: 123 allowed
    expectation = rule.Expectation(((fragment,),))

    assert expectation.max_chars == 3 * len(fragment) == 123
    assert expectation.is_right(_padded(fragment, 123))
    assert not expectation.is_right(_padded(fragment, 124))


def test_a_passage_that_holds_the_fragment_is_wrong() -> None:
    expectation = rule.Expectation((("Gemeinde Balzers",),))
    passage = ("Offizielle Bezeichnung: Gemeinde Balzers, Postanschrift: Gemeindeplatz 1, 9496 Balzers, "
               "Liechtenstein, Kontaktstelle: Bauverwaltung")

    assert rule.contains_fragment(passage, "Gemeinde Balzers")
    assert not expectation.is_right(passage)
    assert expectation.is_right("Gemeinde Balzers")


def test_the_bound_uses_the_longest_alternatives_fragments_together() -> None:
    short = ("EUR",)
    together = ("Health, safety and wellbeing", "Price")  # 28 + 5 = 33 characters: 99 allowed
    expectation = rule.Expectation((short, together))

    assert expectation.max_chars == 99
    assert expectation.is_right(_padded("EUR", 99))  # the bound is the tender's, whichever alternative matched
    assert not expectation.is_right(_padded("EUR", 100))
    assert expectation.is_right(_padded("Health, safety and wellbeing; Price", 99))
    assert not expectation.is_right(_padded("Health, safety and wellbeing; Price", 100))


def test_a_list_answer_may_run_to_2000_characters_and_not_one_more() -> None:
    listed = rule.Expectation((("71200000",),), list_answer=True)
    single = rule.Expectation((("71200000",),))

    assert listed.max_chars == 2000
    assert listed.is_right(_padded("71200000", 2000))
    assert not listed.is_right(_padded("71200000", 2001))
    assert not single.is_right(_padded("71200000", 81))


def test_runs_of_whitespace_count_as_one_character() -> None:
    expectation = rule.Expectation((("EUR",),))

    assert expectation.is_right("EUR" + " \n " * 40 + "x" * 70)  # 75 characters once whitespace runs are one
    assert not expectation.is_right("EUR" + " \n " * 40 + "x" * 80)
