"""The disclosure rule, and proof on generated groups that nothing hidden can be recovered.

The proof works as an attacker would: they know who is in each group (registers and cohort
lists name them) and see every published table; an integer programme (scipy's `milp`)
assigns each person one answer so that every table reads as shown, and finds the smallest
and largest value each hidden count can take. Where those are equal the count is disclosed.
"""

import random

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from talentportal.core.disclosure import (
    NOISE_MAX,
    SMALL_MAX,
    WITHHELD_AUDIT,
    WITHHELD_FEW,
    WITHHELD_LINKED,
    WITHHELD_UNIFORM,
    Published,
    audit_linked,
    bounds,
    breakdown,
    equality_breakdown,
    equality_share,
)

GROUPS = ["White", "Mixed", "Asian", "Black", "Other", "Not stated"]
NEUTRAL = frozenset({"Not stated"})


def table(counts: dict[str, int]):
    return equality_breakdown([(g, counts.get(g, 0)) for g in GROUPS], neutral=NEUTRAL)


def shown(t) -> dict[str, int | None]:
    return {c.label: c.count for c in t.cells}


# Counts that carry no equality data (systems, professions) -------------------------------


@pytest.mark.parametrize("small", range(1, 8))
def test_counts_from_one_to_seven_are_shown_as_a_star_with_no_rate(small):
    total, cells = breakdown([("A", 40), ("B", 30), ("C", small), ("D", 9)])
    by = {c.label: c for c in cells}
    assert total == 79 + small  # totals are never suppressed
    assert by["C"].display == "*" and by["C"].share is None
    # One hidden count could be worked out from the total: the next smallest goes too.
    assert by["D"].display == "*" and by["D"].share is None
    assert by["A"].display == "40" and by["A"].share == pytest.approx(40 / total)


def test_zero_and_eight_are_shown_exactly_where_no_equality_data_is_counted():
    _, cells = breakdown([("A", 0), ("B", 8), ("C", 12)])
    assert [c.display for c in cells] == ["0", "8", "12"]
    assert cells[1].share == pytest.approx(0.4)


def test_hidden_counts_that_would_pin_each_other_hide_one_more():
    # 1 and 1 beside an exact 50 of 52: the two hidden add up to 2, so each is 1.
    _, cells = breakdown([("A", 50), ("B", 1), ("C", 1)])
    assert [c.display for c in cells] == ["*", "*", "*"]
    # 3 and 2 add up to 5, which two counts of 1 to 7 can make in several ways.
    _, cells = breakdown([("A", 50), ("B", 3), ("C", 2)])
    assert [c.display for c in cells] == ["50", "*", "*"]


def test_baselines_travel_with_their_category():
    _, cells = breakdown([("White", 20), ("Asian", 10)], baselines={"Asian": 0.14})
    assert cells[1].baseline == 0.14 and cells[0].baseline is None


# Equality breakdowns ----------------------------------------------------------------------


def test_a_group_all_of_one_answer_is_withheld_whole():
    """The probe's case: ten GMTS trainees, a table whose only row was "White *"."""
    t = table({"White": 10})
    assert t.withheld == WITHHELD_UNIFORM
    assert t.total == 10 and all(c.count is None for c in t.cells)
    # "No *" for disability: the same with other labels.
    t = equality_breakdown([("Yes", 0), ("No", 12), ("Prefer not to say", 0)])
    assert t.withheld == WITHHELD_UNIFORM


def test_hidden_counts_adding_up_to_their_number_are_not_shown():
    """The probe's second case: 10 people, White 8, Mixed *, Black * (so one each)."""
    t = table({"White": 8, "Mixed": 1, "Black": 1})
    assert t.withheld == WITHHELD_UNIFORM


def test_a_table_whose_hidden_count_the_rest_would_pin_is_withheld():
    """8 + 8 + 1 = 17: the two eights show as 10 (so at least 8 each), which leaves exactly 1
    for the hidden count. The audit finds it and withholds the table."""
    t = table({"White": 8, "Asian": 8, "Black": 1})
    assert t.withheld == WITHHELD_AUDIT and t.total == 17


def test_fewer_than_eight_answers_withhold_the_table_whatever_the_not_stated():
    t = table({"White": 4, "Asian": 3, "Not stated": 30})
    assert t.withheld == WITHHELD_FEW and t.total == 37


def test_shown_counts_are_rounded_to_five_near_the_truth_and_shares_are_whole_percents():
    truth = {"White": 41, "Mixed": 3, "Asian": 17, "Black": 12, "Other": 0, "Not stated": 9}
    t = table(truth)
    assert t.withheld is None and t.total == 82
    for c in t.cells:
        n = truth[c.label]
        if n == 0:
            assert c.count == 0
        elif n <= SMALL_MAX:
            assert c.count is None and c.share is None
        else:
            assert c.count % 5 == 0 and c.count >= 10
            assert abs(c.count - n) <= 2 + NOISE_MAX
            assert c.share == round(c.count / 82, 2)  # from the shown count, whole per cent


def test_the_same_group_always_publishes_the_same_table():
    truth = {"White": 30, "Asian": 14, "Black": 9, "Not stated": 5}
    assert table(truth) == table(dict(truth))


def test_one_more_person_does_not_say_which_answer_they_gave():
    """Differencing: a reader sees a group's table before and after one person joins and
    guesses that the row whose count went up is the newcomer's answer. Across generated
    groups the guess must often be wrong or impossible (it always was before perturbation
    whenever the count crossed a rounding boundary)."""
    rng = random.Random(17)
    right = tries = 0
    for _ in range(400):
        truth = {g: rng.choice([0, 0, 8, 9, 12, 15, 21, 30, 44]) for g in GROUPS}
        newcomer = rng.choice(GROUPS[:5])
        before = table(truth)
        after = table({**truth, newcomer: truth[newcomer] + 1})
        if before.withheld or after.withheld:
            continue
        tries += 1
        up = [
            label
            for label, n in shown(after).items()
            if n is not None and (shown(before)[label] or 0) < n
        ]
        right += up == [newcomer]
    assert tries > 200
    # Without the perturbation a reader is right every time a count crosses a boundary of
    # 5 and never wrong; with it, other rows move as well and the moved row misleads.
    assert right / tries < 0.35


def test_an_equality_share_is_whole_percent_and_hidden_for_small_sides():
    assert equality_share(177, 650, context="x") in {round(n / 650, 2) for n in range(165, 190)}
    share = equality_share(177, 650, context="x")
    assert share == round(share, 2)
    assert equality_share(5, 650, context="x") is None
    assert equality_share(645, 650, context="x") is None
    assert equality_share(0, 650, context="x") is None  # "nobody" is everyone's answer


# The proof ------------------------------------------------------------------------------


def hidden_ranges(people: dict[int, str], groups: dict[str, set[int]], tables: dict) -> dict:
    """For every hidden count of every table, (smallest, largest) value consistent with all
    the tables shown, the group lists and each person giving exactly one answer."""
    ids = sorted(people)
    index = {(p, g): i for i, (p, g) in enumerate((p, g) for p in ids for g in GROUPS)}
    n = len(index)
    rows, lo, hi = [], [], []
    for p in ids:  # one answer each
        row = np.zeros(n)
        for g in GROUPS:
            row[index[p, g]] = 1
        rows.append(row), lo.append(1), hi.append(1)

    def cell(name, g):
        row = np.zeros(n)
        for p in groups[name]:
            row[index[p, g]] = 1
        return row

    hidden = []
    for name, t in tables.items():
        for c in t.cells:
            if c.count is None:
                hidden.append((name, c.label))
                if t.withheld:
                    continue
            a, b = bounds(c.count if c.count is not None else "*")
            rows.append(cell(name, c.label)), lo.append(a), hi.append(b)
    constraints = LinearConstraint(np.array(rows), lo, hi)
    result = {}
    for name, g in hidden:
        c = cell(name, g)
        values = []
        for sign in (1, -1):
            r = milp(
                sign * c,
                constraints=constraints,
                integrality=np.ones(n),
                bounds=Bounds(0, 1),
            )
            assert r.success, "the tables as shown must be consistent with the truth"
            values.append(round(float(c @ r.x)))
        result[name, g] = tuple(values)
    return result


def generated_people(rng, n):
    weights = [60, 6, 14, 8, 4, 8]
    return {p: rng.choices(GROUPS, weights)[0] for p in range(n)}


def tables_for(people, groups, *, linked=False):
    out = {}
    for name, members in groups.items():
        counts = dict.fromkeys(GROUPS, 0)
        for p in members:
            counts[people[p]] += 1
        out[name] = table(counts)
    if linked:
        published = {n: Published(frozenset(groups[n]), t) for n, t in out.items()}
        out = audit_linked(published, answers=people, labels=GROUPS)
    return out


def assert_nothing_pinned(ranges):
    for (name, g), (low, high) in ranges.items():
        # A count that can only be 0 says what a shown zero says: nobody gave that answer.
        assert low < high or high == 0, f"{name} {g} is pinned to {low}"


@pytest.mark.parametrize("seed", range(40))
def test_no_hidden_count_of_a_generated_group_can_be_recovered(seed):
    rng = random.Random(seed)
    people = generated_people(rng, rng.randint(8, 60))
    groups = {"group": set(people)}
    tables = tables_for(people, groups)
    assert_nothing_pinned(hidden_ranges(people, groups, tables))


def nested_groups(seed):
    """Generated people in a scheme of two intakes, the first of two cohorts, and the
    aspirant director pool, which shares some people with each."""
    rng = random.Random(seed)
    people = generated_people(rng, rng.randint(30, 70))
    ids = list(people)
    rng.shuffle(ids)
    cut1, cut2, cut3 = sorted(rng.sample(range(8, len(ids) - 8), 3))
    return people, {
        "scheme": set(ids),
        "intake": set(ids[:cut2]),
        "cohort A": set(ids[:cut1]),
        "cohort B": set(ids[cut1:cut2]),
        "intake 2": set(ids[cut2:]),
        "pool": set(rng.sample(ids, len(ids) // 3)) | set(ids[cut3:]),
    }


@pytest.mark.parametrize("seed", range(25))
def test_no_hidden_count_can_be_recovered_across_a_cohort_its_intake_and_its_scheme(seed):
    """Overlapping tables: a scheme of two intakes, the first of which has two cohorts,
    and the aspirant director pool, which shares some people with each."""
    people, groups = nested_groups(1000 + seed)
    tables = tables_for(people, groups, linked=True)
    assert_nothing_pinned(hidden_ranges(people, groups, tables))


def test_linked_tables_withhold_a_table_that_would_reveal_another(seed=0):
    """Without the linked check, a withheld cohort's count is its intake's less the other
    cohort's (this generated case was found that way)."""
    people, groups = nested_groups(1000 + seed)
    alone = hidden_ranges(people, groups, tables_for(people, groups))
    assert any(low == high != 0 for low, high in alone.values())
    linked = tables_for(people, groups, linked=True)
    assert any(t.withheld == WITHHELD_LINKED for t in linked.values())


def test_the_proof_finds_a_disclosure_when_there_is_one():
    """The check can fail: the old rule's table (White 8, Mixed *, Black *, total 10, others
    0) pins Mixed and Black to 1 each."""

    class Old:
        withheld = None
        cells = [
            type("C", (), {"label": g, "count": {"White": 10}.get(g, 0)})
            for g in GROUPS
            if g not in ("Mixed", "Black")
        ] + [type("C", (), {"label": g, "count": None}) for g in ("Mixed", "Black")]

    people = dict(enumerate(["White"] * 8 + ["Mixed", "Black"]))
    ranges = hidden_ranges(people, {"group": set(people)}, {"group": Old})
    assert ranges["group", "Mixed"] == (1, 1)
