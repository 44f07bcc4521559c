import pytest

from talentportal.core.disclosure import breakdown


@pytest.mark.parametrize("small", range(1, 8))
def test_counts_from_one_to_seven_are_shown_as_a_star_with_no_rate(small):
    total, cells = breakdown([("A", 40), ("B", 30), ("C", small), ("D", 9)])
    by = {c.label: c for c in cells}
    assert total == 79 + small  # totals are never suppressed
    assert by["C"].display == "*" and by["C"].share is None
    # One hidden count could be worked out from the total: the next smallest goes too.
    assert by["D"].display == "*" and by["D"].share is None
    assert by["A"].display == "40" and by["A"].share == pytest.approx(40 / total)


def test_zero_and_eight_are_shown():
    _, cells = breakdown([("A", 0), ("B", 8), ("C", 12)])
    assert [c.display for c in cells] == ["0", "8", "12"]
    assert cells[1].share == pytest.approx(0.4)


def test_two_small_counts_protect_each_other():
    _, cells = breakdown([("A", 50), ("B", 3), ("C", 2)])
    assert [c.display for c in cells] == ["50", "*", "*"]


def test_baselines_travel_with_their_category():
    _, cells = breakdown([("White", 20), ("Asian", 10)], baselines={"Asian": 0.14})
    assert cells[1].baseline == 0.14 and cells[0].baseline is None
