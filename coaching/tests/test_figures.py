from datetime import date
from decimal import Decimal

import pytest

from coaching.models import Application, LoggedSession, Relationship
from coaching.selectors import figures
from coaching.tests.factories import application, practitioner

S, E = date(2022, 4, 1), date(2023, 3, 31)


@pytest.fixture
def world(make_user):
    coach = practitioner(make_user(), approved=True)
    coach.approved_on = date(2022, 4, 1)  # first day: in
    coach.save()
    late = practitioner(make_user(), approved=True)
    late.approved_on = date(2023, 4, 1)  # after E: out
    late.save()
    mentor = practitioner(make_user(), coaches=False, mentors=True)
    mentor.approved_on = date(2022, 6, 1)  # mentoring only
    mentor.save()
    a_in = application(make_user())
    Application.objects.filter(pk=a_in.pk).update(approved_on=date(2023, 3, 31))
    a_out = application(make_user())
    Application.objects.filter(pk=a_out.pk).update(approved_on=date(2022, 3, 31))

    def rel(started, ended=None, status="active", kind="coaching", who=coach):
        return Relationship.objects.create(
            kind=kind, practitioner=who, client=make_user(), status=status,
            started_on=started, ended_on=ended,
        )  # fmt: skip

    rels = {
        "before_and_through": rel(date(2021, 1, 1)),  # active, not commenced
        "ended_day_before": rel(date(2021, 1, 1), date(2022, 3, 31), "completed"),
        "ended_on_start": rel(date(2021, 5, 1), date(2022, 4, 1), "completed"),
        "commenced_last_day": rel(date(2023, 3, 31)),
        "starts_after": rel(date(2023, 4, 1)),
        "withdrawn_in": rel(date(2022, 5, 1), date(2022, 9, 1), "withdrawn"),
        "mentoring": rel(date(2022, 5, 1), kind="mentoring", who=mentor),
    }
    Relationship.objects.create(
        kind="coaching", practitioner=coach, client=make_user(), status="requested"
    )  # never started: counts nowhere
    Relationship.objects.create(
        kind="coaching", practitioner=coach, client=make_user(), status="withdrawn",
        ended_on=date(2022, 6, 1),
    )  # a request withdrawn before it started: not a withdrawn relationship  # fmt: skip
    r = rels["before_and_through"]
    for held, hours in [
        (date(2022, 4, 1), "1.5"),
        (date(2023, 3, 31), "1"),
        (date(2023, 4, 1), "2"),
    ]:
        LoggedSession.objects.create(
            relationship=r, held_on=held, hours=Decimal(hours), mode="video"
        )
    LoggedSession.objects.create(
        relationship=rels["ended_on_start"],
        held_on=date(2022, 3, 31),
        hours=Decimal("1"),
        mode="phone",
    )
    return rels


def test_coaching_figures_follow_their_definitions_at_the_boundaries(world):
    assert (
        figures(kind="coaching", start=S, end=E)
        == {
            "practitioners_approved": 1,
            "clients_approved": 1,
            "relationships_commenced": 2,  # withdrawn_in, commenced_last_day
            "relationships_active": 4,  # before_and_through, ended_on_start, commenced_last_day, withdrawn_in
            "relationships_completed": 1,  # ended_on_start
            "relationships_withdrawn": 1,
            "hours_logged": 2.5,
            "sessions_logged": 2,
            "clients_with_sessions": 1,
        }
    )


def test_mentoring_is_counted_separately(world):
    result = figures(kind="mentoring", start=S, end=E)
    assert (result["practitioners_approved"], result["relationships_commenced"]) == (1, 1)
    assert result["hours_logged"] == 0


def test_a_region_counts_only_people_working_in_it(world, make_user):
    """Every person above works in the Midlands (the factories' organisation); one client
    of another region is added, with a practitioner of that region too."""
    from talentportal.directory.models import IntegratedCareSystem, Region
    from talentportal.directory.tests.factories import OrganisationFactory

    midlands = Region.objects.get(name="Midlands")
    london = IntegratedCareSystem.objects.create(
        region=Region.objects.get(name="London"), name="North Central London"
    )
    elsewhere = OrganisationFactory(system=london)
    visitor = make_user()
    visitor.profile.organisation = elsewhere
    visitor.profile.save()
    outsider = practitioner(visitor, approved=True)
    outsider.approved_on = date(2022, 7, 1)
    outsider.save()
    client = make_user()
    client.profile.organisation = elsewhere
    client.profile.save()
    r = Relationship.objects.create(kind="coaching", practitioner=outsider, client=client,
                                    status="active", started_on=date(2022, 7, 1))  # fmt: skip
    LoggedSession.objects.create(relationship=r, held_on=date(2022, 8, 1), hours=Decimal("2"),
                                 mode="video")  # fmt: skip

    national = figures(kind="coaching", start=S, end=E)
    mine = figures(kind="coaching", start=S, end=E, region_id=midlands.pk)
    theirs = figures(kind="coaching", start=S, end=E, region_id=elsewhere.system.region_id)
    assert mine["relationships_commenced"] == 2 and theirs["relationships_commenced"] == 1
    assert national["relationships_commenced"] == 3
    assert (mine["hours_logged"], theirs["hours_logged"]) == (2.5, 2.0)
    assert (mine["practitioners_approved"], theirs["practitioners_approved"]) == (1, 1)
    assert theirs["clients_with_sessions"] == 1
