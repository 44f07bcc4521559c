"""Home pages say what needs the person now, overdue first (issue 18)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from coaching.models import Relationship
from coaching.tests.factories import application, practitioner
from programmes import services as booking
from programmes.models import Session
from programmes.tests.factories import SessionFactory
from talentpools.models import Nomination, TalentReview
from talentpools.tests.factories import NOMINATION, WindowFactory
from talentportal.directory.models import Role
from talentportal.directory.tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def todo(client, user) -> list[str]:
    client.force_login(user)
    page = client.get("/").content.decode()
    block = re.search(r'data-testid="todo">(.*?)</ul>', page, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", li).split())
            for li in re.findall(r"<li[^>]*>(.*?)</li>", block.group(1), re.S)] if block else []  # fmt: skip


def test_a_coach_sees_a_request_to_answer_and_that_it_is_overdue(client, make_user):
    today = timezone.localdate()
    coach = make_user(first_name="Cora")
    client_user = make_user(first_name="Cal", last_name="Client")
    Relationship.objects.create(
        kind="coaching", practitioner=practitioner(coach), client=client_user,
        application=application(client_user), status="requested",
        requested_on=today - timedelta(days=9), respond_by=today - timedelta(days=2),
    )  # fmt: skip
    [item] = todo(client, coach)
    assert item.startswith("Overdue Cal Client has asked you for coaching: accept or decline by")


def test_an_administrator_sees_registers_to_complete_flagged_when_late(client, make_user):
    admin = make_user(Role.PROGRAMME_ADMIN)
    now = timezone.now()
    for days in (1, 4):
        session = SessionFactory()
        booking.booking_create(person=make_user(), target=session, now=now)
        Session.objects.filter(pk=session.pk).update(
            starts_at=now - timedelta(days=days, hours=3), ends_at=now - timedelta(days=days)
        )
    items = todo(client, admin)
    assert "Overdue 2 registers to complete, 1 more than two days after the session" in items
    assert "Nothing is waiting for you." not in client.get("/").content.decode()


def test_a_talent_lead_sees_an_open_review_and_window_and_the_team_waiting_decisions(
    client, make_user
):
    today = timezone.localdate()
    org = OrganisationFactory()
    lead = make_user({"role": Role.TALENT_LEAD, "organisation": org})
    TalentReview.objects.create(name="Autumn review", organisation=org, held_on=today)
    WindowFactory(name="Winter", opens_on=today - timedelta(days=1),
                  closes_on=today + timedelta(days=10))  # fmt: skip
    items = todo(client, lead)
    assert any(i.startswith("Autumn review: 0 placed so far") for i in items)
    assert any(i.startswith("The Winter nominations window is open until") for i in items)

    closed = WindowFactory(name="Summer", opens_on=today - timedelta(days=60),
                           closes_on=today - timedelta(days=20))  # fmt: skip
    nominee = UserFactory(profile__organisation=org)
    Nomination.objects.create(
        window=closed, nominee=nominee, route="self", nominated_by=nominee, organisation=org,
        system=org.system, submitted_on=today - timedelta(days=25), **NOMINATION,
    )  # fmt: skip
    team_items = todo(client, make_user(Role.PROGRAMME_ADMIN))
    assert team_items[0] == (
        "Overdue 1 nomination waiting for a decision, 1 from a window that closed more than two"
        " weeks ago"
    )


def test_nothing_waiting_says_so(client, make_user):
    client.force_login(make_user())
    assert "Nothing is waiting for you." in client.get("/").content.decode()
