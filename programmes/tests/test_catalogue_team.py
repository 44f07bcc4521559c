"""The academy team runs the catalogue in the portal, not the admin site (issue 18):
programmes, dates, places and offers by hand, through the services the admin uses too."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from programmes import services
from programmes.models import Booking, Programme, Session, Workstream
from programmes.tests.factories import ProgrammeFactory, SessionFactory
from talentportal.directory.models import Role
from talentportal.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def _date_post(when, **extra):
    local = timezone.localtime(when)
    return {
        "day_day": local.day, "day_month": local.month, "day_year": local.year,
        "starts": f"{local:%H:%M}", "ends": f"{local + timedelta(hours=2):%H:%M}",
        "venue": "", "joining_url": "https://teams.example/new", "capacity": 12, **extra,
    }  # fmt: skip


def test_the_team_adds_a_programme_and_a_date_and_participants_can_book_it(client, make_user):
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    form = client.get(reverse("programmes:programme_new")).content.decode()
    assert "Choose a workstream" in form and "Choose a format" in form and "-----" not in form
    response = client.post(reverse("programmes:programme_new"), {
        "title": "Leading Through Change", "summary": "Two hours on change.",
        "workstream": Workstream.objects.get(name="Leadership Development").pk,
        "people_plan_theme": "growing", "format": "workshop", "delivery": "virtual",
        "eligible_bands": ["7", "8a"], "published": "on",
    })  # fmt: skip
    programme = Programme.objects.get(title="Leading Through Change")
    assert response.url == reverse("programmes:programme_detail", args=[programme.slug])
    assert (programme.slug, programme.eligible_bands) == ("leading-through-change", ["7", "8a"])
    when = (timezone.now() + timedelta(days=20)).replace(hour=10, minute=0, second=0)
    response = client.post(reverse("programmes:session_new", args=[programme.slug]),
                           _date_post(when), follow=True)  # fmt: skip
    session = Session.objects.get(programme=programme)
    assert session.capacity == 12 and timezone.localtime(session.starts_at).hour == 10
    assert "Added:" in response.content.decode()
    person = make_user(profile__band="7")
    booking = services.booking_create(person=person, target=session, now=timezone.now())
    assert booking.status == Booking.Status.CONFIRMED


def test_changing_a_date_refuses_fewer_places_than_taken_offers_new_ones_and_tells_those_booked(
    client, make_user
):
    session = SessionFactory(capacity=1)
    booked = services.booking_create(person=make_user(), target=session, now=timezone.now())
    waiting = services.booking_create(person=make_user(), target=session, now=timezone.now())
    first_invite = booked.invites_sent
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    url = reverse("programmes:session_edit", args=[session.pk])
    later = session.starts_at + timedelta(days=1)
    bad = client.post(url, _date_post(later, capacity=0))
    assert "Ensure this value is greater than or equal to 1" in bad.content.decode()
    OutboundEmail.objects.all().delete()
    client.post(url, _date_post(later, capacity=2))
    session.refresh_from_db()
    waiting.refresh_from_db()
    assert session.capacity == 2 and waiting.status == Booking.Status.OFFERED
    [changed] = OutboundEmail.objects.filter(subject__startswith="Changed:")
    assert changed.recipients == [booked.person.email]
    booked.refresh_from_db()
    assert booked.invites_sent == first_invite + 1  # the update outranks the first invitation
    Session.objects.filter(pk=session.pk).update(taken=2)
    refused = client.post(url, _date_post(later, capacity=1))
    assert "2 places are already taken, so the capacity cannot be lower." in (
        refused.content.decode()
    )


def test_the_invitation_after_a_change_replaces_the_one_in_the_calendar(make_user):
    session = SessionFactory()
    booking = services.booking_create(person=make_user(), target=session, now=timezone.now())
    from programmes.emails import calendar_for

    before = Calendar.from_ical(calendar_for(booking, [session], change=False)).walk("VEVENT")[0]
    services.target_save(target=session, fields={"venue": "Birmingham"}, now=timezone.now())
    booking.refresh_from_db()
    after = Calendar.from_ical(calendar_for(booking, [session], change=False)).walk("VEVENT")[0]
    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) > int(before["sequence"])
    assert str(after["location"]) == "Birmingham"


def test_an_offer_by_hand_out_of_queue_order_needs_a_reason_and_keeps_who_and_why(
    client, make_user
):
    session = SessionFactory(capacity=1)
    services.booking_create(person=make_user(), target=session, now=timezone.now())
    first = services.booking_create(person=make_user(), target=session, now=timezone.now())
    second = services.booking_create(person=make_user(first_name="Sol", last_name="Second"),
                                     target=session, now=timezone.now())  # fmt: skip
    Session.objects.filter(pk=session.pk).update(capacity=2)
    team = make_user(Role.PROGRAMME_ADMIN)
    client.force_login(team)
    url = reverse("programmes:waiting_list", args=["session", session.pk])
    asked = client.post(url, {"booking": second.pk, "offer": "1"}).content.decode()
    assert "Offer Sol Second a place now?" in asked and "They are number 2" in asked
    refused = client.post(url, {"booking": second.pk, "offer": "1", "confirmed": "yes"})
    assert "say why they are offered the place first" in refused.content.decode()
    second.refresh_from_db()
    assert second.status == Booking.Status.WAITLISTED
    client.post(url, {"booking": second.pk, "offer": "1", "confirmed": "yes",
                      "reason": "A place reserved for Black Country"})  # fmt: skip
    second.refresh_from_db()
    assert second.status == Booking.Status.OFFERED
    assert (second.offered_by, second.offer_reason) == (team, "A place reserved for Black Country")
    first.refresh_from_db()
    assert first.status == Booking.Status.WAITLISTED


def test_nobody_offers_themselves_a_place(make_user):
    session = SessionFactory(capacity=1)
    services.booking_create(person=make_user(), target=session, now=timezone.now())
    admin = make_user(Role.PROGRAMME_ADMIN)
    mine = services.booking_create(person=admin, target=session, now=timezone.now())
    Session.objects.filter(pk=session.pk).update(capacity=2)
    from talentportal.core.errors import ApplicationError

    with pytest.raises(ApplicationError, match="Someone else in the team"):
        services.waitlist_offer(booking=mine, by=admin, reason="", now=timezone.now())


def test_only_the_team_runs_the_catalogue(client, make_user):
    programme = ProgrammeFactory()
    session = SessionFactory(programme=programme)
    client.force_login(make_user())
    for url in (reverse("programmes:programme_new"),
                reverse("programmes:programme_edit", args=[programme.slug]),
                reverse("programmes:session_new", args=[programme.slug]),
                reverse("programmes:session_edit", args=[session.pk])):  # fmt: skip
        assert client.get(url).status_code == 403
