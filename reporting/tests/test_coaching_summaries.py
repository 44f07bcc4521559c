"""The coaching and mentoring figures kept in PersonCoachingFigures: read from the summary
they equal a live count (coaching.selectors.figures_by_kind) for every year and region, after
every kind of change, including people, organisations and systems moving region; a sweep
recounts only the people changed; frozen years keep their figures."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from coaching.models import Application, LoggedSession, Practitioner, Relationship
from coaching.selectors import FIGURE_KEYS, figures_by_kind
from coaching.tests.factories import application, practitioner
from reporting import summaries
from reporting.models import CoachingSummary, PersonCoachingFigures
from reporting.selectors import annual_report
from talentportal.core.periods import financial_year_of
from talentportal.directory.models import IntegratedCareSystem, Organisation, Profile, Region
from talentportal.directory.tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
YEARS = range(2021, summaries.coaching_horizon() + 1)


def day(rng: random.Random) -> date:
    return date(2021, 1, 1) + timedelta(days=rng.randint(0, 365 * 7))


def generate(rng: random.Random, *, people: int = 30) -> list[Relationship]:
    """Practitioners, applications, relationships in every status with logged sessions,
    for people in two regions (and some with no workplace recorded)."""
    london = IntegratedCareSystem.objects.create(
        name="North Central London", region=Region.objects.get(name="London")
    )
    systems = [*IntegratedCareSystem.objects.filter(region__name="Midlands")[:3], london]
    organisations = [OrganisationFactory(system=system) for system in systems]

    def person():
        user = UserFactory(profile__organisation=rng.choice(organisations))
        if rng.random() < 0.1:
            Profile.objects.filter(user=user).delete()
        return user

    coaches = []
    for n in range(6):
        coach = practitioner(person(), coaches=n % 3 != 2, mentors=n % 3 != 0, supervised_on=None)
        Practitioner.objects.filter(pk=coach.pk).update(approved_on=day(rng))
        coaches.append(coach)
    relationships = []
    for _ in range(people):
        client = person()
        for kind in ("coaching", "mentoring"):
            if rng.random() < 0.7:
                a = application(client, kind=kind)
                Application.objects.filter(pk=a.pk).update(approved_on=day(rng))
            started = day(rng)
            ended = started + timedelta(days=rng.randint(-10, 700))
            status = rng.choice(["active", "completed", "withdrawn", "declined", "requested"])
            relationship = Relationship.objects.create(
                kind=kind, client=client, status=status,
                practitioner=rng.choice([c for c in coaches if c.offers(kind)]),
                started_on=None if status in ("requested", "declined") else started,
                ended_on=None if status in ("active", "requested") else ended,
            )  # fmt: skip
            relationships.append(relationship)
            for _ in range(rng.randint(0, 4)):
                LoggedSession.objects.create(
                    relationship=relationship, held_on=day(rng), mode="video",
                    hours=Decimal(rng.choice(["0.25", "1", "1.5", "2.75"])),
                )  # fmt: skip
    return relationships


def assert_summary_equals_live_count():
    regions = [None, *Region.objects.values_list("pk", flat=True)]
    for year in YEARS:
        start, end = financial_year_of(year)
        for region_id in regions:
            live = figures_by_kind(start=start, end=end, region_id=region_id)
            assert summaries.coaching_figures(year=year, region_id=region_id) == live, (
                year,
                region_id,
            )


def rows() -> tuple[set, set]:
    """Both levels; a region's row whose sums all went back to zero is no row."""
    fields = ("year", "region_id", "kind", *FIGURE_KEYS)
    regions = {row for row in CoachingSummary.objects.values_list(*fields) if any(row[3:])}
    return set(PersonCoachingFigures.objects.values_list()), regions


def test_the_summary_equals_a_live_count_after_every_kind_of_change():
    rng = random.Random(2211)
    relationships = generate(rng)
    summaries.rebuild()
    assert_summary_equals_live_count()
    total = summaries.coaching_figures(year=2023, region_id=None)["coaching"]
    assert total["relationships_active"] > 3
    assert total["sessions_logged"] > 3

    # The pair end a relationship; a client withdraws; a relationship is corrected.
    active = [r for r in relationships if r.status == "active"]
    active[0].status, active[0].ended_on = "completed", date(2024, 2, 1)
    active[0].save()
    Relationship.objects.filter(pk=active[1].pk).update(
        status="withdrawn", ended_on=date(2026, 5, 1)
    )
    Relationship.objects.filter(pk=active[2].pk).update(started_on=date(2021, 6, 1))
    # Sessions logged, corrected and removed; a relationship and its sessions deleted.
    LoggedSession.objects.create(relationship=active[3], held_on=date(2025, 9, 9), hours=2,
                                 mode="phone")  # fmt: skip
    LoggedSession.objects.filter(relationship=active[4]).update(hours=Decimal("0.5"))
    LoggedSession.objects.filter(relationship=active[5]).delete()
    doomed = next(r for r in relationships if r.status == "declined")
    doomed.delete()
    # Applications and practitioners approved or changed.
    approved = Application.objects.filter(approved_on__isnull=False).order_by("id")[:3]
    Application.objects.filter(pk__in=[a.pk for a in approved]).update(
        approved_on=date(2024, 1, 15)
    )
    coach = Practitioner.objects.order_by("id").first()
    coach.mentors, coach.coaches = not coach.mentors, True
    coach.save()
    summaries.refresh(wait=True)
    assert summaries.state().people_recounted > 0
    assert_summary_equals_live_count()

    # People move, each sweep on its own: a client changes workplace, an organisation
    # changes system, a system changes region; someone with no workplace gets one.
    mover = Profile.objects.get(user=active[6].client)
    mover.organisation = Organisation.objects.exclude(
        system__region=mover.organisation.system.region_id
    ).first()
    mover.save()
    summaries.refresh(wait=True)
    assert summaries.state().people_recounted == 1
    assert_summary_equals_live_count()
    organisation = Organisation.objects.filter(people__isnull=False).distinct().last()
    organisation.system = IntegratedCareSystem.objects.exclude(
        region=organisation.system.region_id
    ).first()
    organisation.save()
    summaries.refresh(wait=True)
    assert_summary_equals_live_count()
    system = IntegratedCareSystem.objects.filter(organisations__people__isnull=False).first()
    system.region = Region.objects.exclude(pk=system.region_id).last()
    system.save()
    summaries.refresh(wait=True)
    assert_summary_equals_live_count()
    nowhere = Relationship.objects.exclude(client__profile__isnull=False).first().client
    Profile.objects.create(user=nowhere, organisation=organisation)

    summaries.refresh(wait=True)
    assert summaries.state().people_recounted == 1
    assert_summary_equals_live_count()
    incremental = rows()
    summaries.rebuild()
    assert rows() == incremental


def test_a_sweep_recounts_only_the_people_changed():
    relationships = generate(random.Random(7), people=20)
    summaries.rebuild()
    logged = next(r for r in relationships if r.sessions.exists())
    LoggedSession.objects.filter(relationship=logged).update(hours=Decimal("8"))
    summaries.refresh(wait=True)
    assert summaries.state().people_recounted == 1
    assert_summary_equals_live_count()
    assert summaries.refresh(wait=True) == 0  # nothing left in the logs
    assert summaries.state().people_recounted == 1  # no sweep wrote since


def test_a_frozen_year_keeps_its_coaching_figures_and_the_report_reads_them():
    relationships = generate(random.Random(13), people=20)
    summaries.rebuild()
    published = annual_report(year=2023, national=True)["coaching"]
    summaries.freeze(year=2023)
    coaching = next(r for r in relationships if r.kind == "coaching")
    LoggedSession.objects.create(relationship=coaching, held_on=date(2023, 6, 1), hours=3,
                                 mode="video")  # fmt: skip
    LoggedSession.objects.create(relationship=coaching, held_on=date(2024, 6, 1), hours=3,
                                 mode="video")  # fmt: skip
    summaries.refresh(wait=True)
    assert annual_report(year=2023, national=True)["coaching"] == published
    live = annual_report(year=2023, national=True, recount=True)["coaching"]
    assert live["hours_logged"] == published["hours_logged"] + 3
    summaries.rebuild()
    assert annual_report(year=2023, national=True)["coaching"] == published
    # The years still open follow the change.
    start, end = financial_year_of(2024)
    assert summaries.coaching_figures(year=2024, region_id=None) == figures_by_kind(
        start=start, end=end
    )


def test_a_year_beyond_the_horizon_is_counted_live():
    generate(random.Random(17), people=10)
    summaries.rebuild()
    beyond = summaries.coaching_horizon() + 1
    assert summaries.coaching_figures(year=beyond, region_id=None) is None
    start, end = financial_year_of(beyond)
    live = figures_by_kind(start=start, end=end)["coaching"]
    report = annual_report(year=beyond, national=True)["coaching"]
    assert report["relationships_active"] == live["relationships_active"] > 0  # open ones


def test_the_horizon_moving_recounts_everyone():
    generate(random.Random(19), people=10)
    summaries.rebuild()
    with connection.cursor() as cursor:  # as if last swept a year ago
        cursor.execute("UPDATE reporting_summarystate SET coaching_horizon = coaching_horizon - 1")
        cursor.execute(
            "DELETE FROM reporting_personcoachingfigures WHERE year = %s",
            [summaries.coaching_horizon()],
        )
    summaries.refresh(wait=True)
    assert summaries.state().coaching_horizon == summaries.coaching_horizon()
    assert_summary_equals_live_count()
