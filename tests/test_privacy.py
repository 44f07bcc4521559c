"""A person downloads their data and is erased: their words go, past figures stay."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import LoggedSession, Message, Relationship
from coaching.tests.factories import application, practitioner
from programmes.models import Booking, Evaluation, RegisterEntry
from programmes.tests.factories import SessionFactory
from reporting.selectors import annual_report
from talentpools.models import Nomination, NominationWindow, PoolMembership
from talentportal.directory.models import (
    EqualityMonitoring,
    ErasureRequest,
    PersonalDataExport,
    Role,
    User,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def person(make_user):
    """Someone with a past year of bookings, coaching, a nomination and pool membership."""
    person = make_user(first_name="Ada", last_name="Lovelace", email="ada@nhs.example")
    EqualityMonitoring.objects.create(user=person, ethnic_category="H", sex="female")
    session = SessionFactory(starts_at=datetime(2022, 6, 1, 10, tzinfo=LONDON))
    booking = Booking.objects.create(person=person, session=session, status="confirmed",
                                     created_at=session.starts_at, confirmed_at=session.starts_at,
                                     ethnic_category="H", staff_group="clinical",
                                     system=person.profile.organisation.system)  # fmt: skip
    RegisterEntry.objects.create(booking=booking, session=session, attendance="attended")
    Evaluation.objects.create(booking=booking, rating=5, comments="Ada's own words",
                              submitted_at=session.ends_at, approved_for_publication=True)  # fmt: skip
    coach = practitioner(make_user())
    relationship = Relationship.objects.create(
        kind="coaching", practitioner=coach, client=person, application=application(person),
        status="completed", started_on=date(2022, 5, 1), ended_on=date(2022, 9, 1),
        goals="Ada's private goals",
    )  # fmt: skip
    LoggedSession.objects.create(
        relationship=relationship, held_on=date(2022, 6, 1), hours=1, mode="video"
    )
    Message.objects.create(
        relationship=relationship, sender=person, body="Ada's message", sent_at=timezone.now()
    )
    window = NominationWindow.objects.create(
        name="W", opens_on=date(2022, 4, 1), closes_on=date(2022, 5, 1)
    )
    nomination = Nomination.objects.create(
        window=window, nominee=person, route="self", nominated_by=person,
        organisation=person.profile.organisation, system=person.profile.organisation.system,
        role_family="nursing", readiness="ready_now", evidence="Ada's evidence", sponsor_name="Dr Who",
        sponsor_job_title="CEO", sponsor_endorsed=True, status="accepted", decided_on=date(2022, 5, 2),
        submitted_on=date(2022, 4, 10),
    )  # fmt: skip
    PoolMembership.objects.create(member=person, route="self", nomination=nomination,
                                  system=nomination.system, joined_on=date(2022, 5, 2))  # fmt: skip
    return person


def test_a_person_downloads_their_own_data(client, person):
    client.force_login(person)
    response = client.get(reverse("directory:my_data"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["directory"]["email"] == "ada@nhs.example"
    assert data["directory"]["equality_monitoring"]["ethnic_category"] == "H"
    assert data["programmes"]["evaluations"][0]["comments"] == "Ada's own words"
    assert data["coaching"]["relationships"][0]["messages_sent"][0]["body"] == "Ada's message"
    assert data["talentpools"]["nominations"][0]["evidence"] == "Ada's evidence"


def test_an_administrators_export_of_someone_is_recorded(client, make_user, person):
    admin = make_user(Role.SYSTEM_ADMIN)
    client.force_login(admin)
    assert client.post(reverse("directory:person_data", args=[person.pk])).status_code == 200
    assert PersonalDataExport.objects.filter(subject=person, exported_by=admin).exists()
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    assert client.post(reverse("directory:person_data", args=[person.pk])).status_code == 403


def test_erasure_keeps_past_figures_and_removes_the_person_and_their_words(
    client, make_user, person
):
    before = annual_report(year=2022)
    client.force_login(person)
    client.post(reverse("directory:erasure_request"))
    erasure = ErasureRequest.objects.get(person=person)
    admin = make_user(Role.SYSTEM_ADMIN)
    client.force_login(admin)
    client.post(reverse("directory:erasure_list"), {"request": erasure.pk, "decision": "erase"})

    assert annual_report(year=2022) == before  # every aggregate of the past year unchanged
    person = User.objects.get(pk=person.pk)
    assert (person.first_name, person.is_active, person.has_usable_password()) == (
        "Erased",
        False,
        False,
    )
    assert person.email.endswith("@erased.invalid")
    assert not EqualityMonitoring.objects.filter(user=person).exists()
    # Nor do their bookings keep the answers (the year's reach keeps what they counted).
    assert Booking.objects.values_list("ethnic_category", "disability", "sex").get() == (
        "Z",
        "not_stated",
        "not_stated",
    )
    assert (
        Evaluation.objects.get().comments == ""
        and not Evaluation.objects.get().approved_for_publication
    )
    assert Message.objects.get().body.startswith("[removed")
    assert Relationship.objects.get().goals == ""
    assert Nomination.objects.get().evidence.startswith("[removed")
    # The audit trail keeps who and when, not the words.
    assert not Nomination.pgh_event_model.objects.filter(evidence="Ada's evidence").exists()
    assert not Relationship.pgh_event_model.objects.filter(goals="Ada's private goals").exists()
    # They can no longer sign in.
    assert not client.login(email="ada@nhs.example", password="correct-horse-battery")
    assert ErasureRequest.objects.get().status == "done"


def test_a_refusal_needs_a_reason(client, make_user, person):
    erasure = ErasureRequest.objects.create(person=person, requested_at=timezone.now())
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    client.post(
        reverse("directory:erasure_list"), {"request": erasure.pk, "decision": "refuse", "note": ""}
    )
    assert ErasureRequest.objects.get().status == "requested"
    client.post(reverse("directory:erasure_list"),
                {"request": erasure.pk, "decision": "refuse", "note": "A scheme appeal is open."})  # fmt: skip
    assert ErasureRequest.objects.get().status == "refused"


def test_the_audit_trail_is_for_system_administrators(client, make_user, person):
    admin = make_user(Role.SYSTEM_ADMIN)
    from talentportal.directory.services import role_grant

    role_grant(user=make_user(), role=Role.REPORT_TEAM, granted_by=admin)
    client.force_login(admin)
    page = client.get("/admin/pghistory/events/")
    assert page.status_code == 200 and "roleassignment" in page.content.decode().lower()
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    assert client.get("/admin/pghistory/events/").status_code == 403
