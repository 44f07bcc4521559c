"""The make-up pages publish equality breakdowns from snapshots, under the disclosure rule.

The attack of issue 17: staff see who joined (the pool list, registers), so a make-up that
changes the moment one person joins tells that person's answer. These tests do that."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from talentportal.core.disclosure import WITHHELD
from talentportal.directory.models import EqualityMonitoring, Role
from talentportal.directory.services import equality_snapshots_refresh
from talentportal.directory.tests.factories import UserFactory

from .. import selectors
from ..models import Trainee
from ..tasks import make_up_snapshots_task
from .factories import MembershipFactory

pytestmark = pytest.mark.django_db


def member(ethnic: str):
    user = UserFactory()
    EqualityMonitoring.objects.update_or_create(user=user, defaults={"ethnic_category": ethnic})
    MembershipFactory(member=user)
    return user


def make_up_section(page: str) -> str:
    return page.split('id="make-up"')[1].split("</main>")[0]


def test_one_person_joining_does_not_show_until_the_next_snapshot(client, make_user, settings):
    settings.EQUALITY_SNAPSHOT_DAYS = 1
    for code, n in (("A", 20), ("H", 12), ("M", 15)):
        for _ in range(n):
            member(code)
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    url = reverse("talentpools:pool")
    before_any = make_up_section(client.get(url).content.decode())
    assert "It will appear after the next update" in before_any
    assert make_up_snapshots_task.delay().get() > 0
    today = timezone.localdate()
    first = make_up_section(client.get(url).content.decode())
    assert f"Figures as at {today.day} {today:%B %Y}" in first
    tomorrow = today + timedelta(days=1)
    assert f"the next is due on {tomorrow.day} {tomorrow:%B %Y}" in first
    assert "Black or Black British" in first
    # One more Black or Black British member: the page the same staff see does not move.
    member("M")
    assert make_up_snapshots_task.delay().get() == 0  # not yet due: the same day
    assert make_up_section(client.get(url).content.decode()) == first
    # A day later the snapshot is taken again.
    later = timezone.now() + timedelta(days=1)
    written = equality_snapshots_refresh(
        prefix=selectors.MAKE_UP,
        compute=lambda: selectors.make_up_tables(on=timezone.localdate(later)),
        now=later,
    )
    assert written > 0
    assert f"Figures as at {tomorrow.day}" in make_up_section(client.get(url).content.decode())


def test_a_weekly_snapshot_waits_a_week(settings):
    settings.EQUALITY_SNAPSHOT_DAYS = 7
    member("A")
    now = timezone.now()

    def refresh(at):
        return equality_snapshots_refresh(
            prefix=selectors.MAKE_UP,
            compute=lambda: selectors.make_up_tables(on=timezone.localdate(at)),
            now=at,
        )

    assert refresh(now) > 0
    assert refresh(now + timedelta(days=6)) == 0
    assert refresh(now + timedelta(days=7)) > 0


def test_an_intake_all_of_one_ethnic_group_shows_no_row_for_it(client, make_user):
    """The probe saw "White *" as the only row for ten named GMTS trainees."""
    for _ in range(10):
        user = UserFactory()
        EqualityMonitoring.objects.update_or_create(
            user=user, defaults={"ethnic_category": "A", "disability": "no"}
        )
        Trainee.objects.create(
            person=user,
            intake=date(2024, 9, 1),
            specialism="finance",
            host_organisation=user.profile.organisation,
        )
    make_up_snapshots_task.delay(force=True).get()
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    page = make_up_section(
        client.get(reverse("talentpools:intake", args=[2024, 9])).content.decode()
    )
    assert page.count(WITHHELD.split(",")[0]) >= 2  # ethnic group and disability
    assert ">White<" not in page and ">No<" not in page
    assert ">*<" not in page


def test_published_data_hold_no_true_count_of_an_equality_table():
    for code, n in (("A", 23), ("H", 11), ("M", 9)):
        for _ in range(n):
            member(code)
    make_up_snapshots_task.delay(force=True).get()
    data = selectors.make_up_published(selectors.MAKE_UP_POOL, "aspirant_directors")["data"]
    ethnic = next(d for d in data["dimensions"] if d["label"] == "Ethnic group")
    assert data["total"] == 43  # totals are exact
    for c in ethnic["cells"]:
        assert c["count"] is None or c["count"] % 5 == 0


def test_the_published_groups_are_checked_together(monkeypatch):
    """The pool, cohorts and intakes share people, so the nightly snapshot checks their
    tables together (disclosure.audit_linked, proved in talentportal/core/tests/
    test_disclosure.py), with who is in each group, for every equality dimension, and
    publishes what the check leaves."""
    from talentportal.core import disclosure

    from ..models import SchemeCohort, SchemeParticipant

    seen = []

    def check(groups, *, answers, labels, history=()):
        seen.append((set(groups), {k: set(g.members) for k, g in groups.items()}, labels))
        # Withhold the cohort's table, as the check would if it pinned a count.
        return {
            k: disclosure.Table(g.table.total, g.table.cells, disclosure.WITHHELD)
            if "cohort" in k
            else g.table
            for k, g in groups.items()
        }

    monkeypatch.setattr(selectors, "audit_linked", check)
    pool = [member("A") for _ in range(12)]
    cohort = SchemeCohort.objects.create(
        scheme="edp", name="E", starts_on=date(2025, 1, 1), ends_on=date(2027, 1, 1)
    )
    for user in pool[:9]:
        SchemeParticipant.objects.create(cohort=cohort, person=user)
    tables, _ = selectors.make_up_tables(on=timezone.localdate())
    pool_key = selectors.make_up_key(selectors.MAKE_UP_POOL, "aspirant_directors")
    cohort_key = selectors.make_up_key(selectors.MAKE_UP_COHORT, cohort)
    assert [s[2][0] for s in seen] and len(seen) == 3  # ethnic group, sex, disability
    for keys, members, _ in seen:
        assert keys == {pool_key, cohort_key}
        assert members[cohort_key] == {u.pk for u in pool[:9]}
        assert members[pool_key] == {u.pk for u in pool}
    ethnic = next(d for d in tables[cohort_key]["dimensions"] if d["label"] == "Ethnic group")
    assert ethnic["withheld"] == WITHHELD


def test_each_shown_table_is_remembered_once_and_checked_beside_the_next(monkeypatch):
    """Two snapshots can be compared: what the people who joined in between answered must
    not follow from them. So every shown equality table is kept with who was in the group
    (only when it changed), and the next snapshot is checked beside it."""
    from talentportal.directory.models import EqualityPublication

    people = [member(code) for code, n in (("A", 14), ("H", 9), ("N", 8)) for _ in range(n)]
    now = timezone.now()

    def refresh(at):
        return equality_snapshots_refresh(
            prefix=selectors.MAKE_UP,
            compute=lambda: selectors.make_up_tables(on=timezone.localdate(at)),
            now=at,
            force=True,
        )

    refresh(now)
    pool_key = selectors.make_up_key(selectors.MAKE_UP_POOL, "aspirant_directors")
    kept = EqualityPublication.objects.filter(key=pool_key, dimension="Ethnic group")
    (first,) = kept.all()
    assert set(first.members) == {u.pk for u in people}
    ethnic = next(
        d
        for d in selectors.make_up_published(selectors.MAKE_UP_POOL, "aspirant_directors")["data"][
            "dimensions"
        ]
        if d["label"] == "Ethnic group"
    )
    assert first.table["cells"] == ethnic["cells"]
    refresh(now + timedelta(days=1))  # nobody joined: the same table, not kept twice
    assert kept.all().count() == 1
    joiners = [member("A"), member("A")]
    real, seen = selectors.audit_linked, []

    def spy(groups, *, answers, labels, history=()):
        seen.append([set(h.members) for h in history])
        return real(groups, answers=answers, labels=labels, history=history)

    monkeypatch.setattr(selectors, "audit_linked", spy)
    refresh(now + timedelta(days=2))
    assert {u.pk for u in people} in seen[0]  # the earlier pool, with its members
    latest = kept.all().order_by("-published_at", "-pk").first()
    now_shown = next(
        d
        for d in selectors.make_up_published(selectors.MAKE_UP_POOL, "aspirant_directors")["data"][
            "dimensions"
        ]
        if d["label"] == "Ethnic group"
    )
    if now_shown["withheld"]:
        assert kept.all().count() == 1  # a withheld table tells nothing to keep
    else:
        assert kept.all().count() == 2 and {j.pk for j in joiners} <= set(latest.members)
