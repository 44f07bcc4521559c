"""Invariants under concurrent requests on the real PostgreSQL."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from conftest import PortalClient
from programmes.models import Booking, CohortAllocation
from programmes.services import booking_create
from programmes.tests.factories import CohortFactory, SessionFactory
from talentportal.core.errors import ApplicationError
from talentportal.directory.models import IntegratedCareSystem, Role, RoleAssignment
from talentportal.directory.services import role_revoke
from talentportal.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)

ANSWERS = {"ethnic_category": "Z", "disability": "not_stated", "sex": "not_stated",
           "confirmed": "yes"}  # fmt: skip


def _in_parallel(functions):
    """Run the functions at the same moment, each in its own thread and DB connection."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # reported to the test below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _poster(user, url):
    client = PortalClient()
    client.force_login(user)
    return lambda: client.post(url, ANSWERS).status_code


def test_twenty_four_people_booking_the_last_three_places_at_once(make_user):
    session = SessionFactory(capacity=10)
    for _ in range(7):  # seven places already taken
        booking_create(person=make_user(), target=session, now=timezone.now())
    people = [make_user() for _ in range(24)]
    url = reverse("programmes:book", kwargs={"kind": "session", "pk": session.pk})
    codes = _in_parallel([_poster(p, url) for p in people])
    assert codes == [302] * 24
    session.refresh_from_db()
    confirmed = Booking.objects.filter(session=session, status="confirmed").count()
    assert (session.taken, confirmed) == (10, 10)
    waiting = Booking.objects.filter(session=session, status="waitlisted")
    assert waiting.count() == 21


def test_system_allocations_hold_under_parallel_cohort_bookings(make_user):
    cohort = CohortFactory(capacity=6)
    black_country = IntegratedCareSystem.objects.get(name="Black Country")
    lincolnshire = IntegratedCareSystem.objects.get(name="Lincolnshire")
    CohortAllocation.objects.create(cohort=cohort, system=black_country, places=2)
    CohortAllocation.objects.create(cohort=cohort, system=lincolnshire, places=3)
    lincs = OrganisationFactory(system=lincolnshire)
    people = [make_user() for _ in range(10)] + [
        make_user(profile__organisation=lincs) for _ in range(10)
    ]
    url = reverse("programmes:book", kwargs={"kind": "cohort", "pk": cohort.pk})
    assert _in_parallel([_poster(p, url) for p in people]) == [302] * 20
    confirmed = Booking.objects.filter(cohort=cohort, status="confirmed")
    assert confirmed.filter(system=black_country).count() == 2
    assert confirmed.filter(system=lincolnshire).count() == 3
    cohort.refresh_from_db()
    assert cohort.taken == 5


def test_the_same_person_double_submitting_gets_one_booking(make_user):
    session = SessionFactory(capacity=10)
    person = make_user()
    url = reverse("programmes:book", kwargs={"kind": "session", "pk": session.pk})
    _in_parallel([_poster(person, url) for _ in range(8)])
    assert Booking.objects.filter(person=person, session=session).count() == 1
    session.refresh_from_db()
    assert session.taken == 1


def test_two_administrators_removing_each_other_leave_one(make_user):
    a, b = make_user(Role.SYSTEM_ADMIN), make_user(Role.SYSTEM_ADMIN)
    ra = RoleAssignment.objects.get(user=a)
    rb = RoleAssignment.objects.get(user=b)
    results = _in_parallel([lambda: role_revoke(assignment=rb), lambda: role_revoke(assignment=ra)])
    assert sum(isinstance(r, ApplicationError) for r in results) == 1
    assert RoleAssignment.objects.filter(role=Role.SYSTEM_ADMIN).count() == 1


def test_participants_cancelling_while_the_organiser_cancels_the_session(make_user):
    """Both paths lock the session first, then bookings: no deadlock, no 500, no drift."""
    from programmes.services import booking_cancel, session_cancel

    session = SessionFactory(capacity=6)
    bookings = [
        booking_create(person=make_user(), target=session, now=timezone.now()) for _ in range(6)
    ]
    waiting = [
        booking_create(person=make_user(), target=session, now=timezone.now()) for _ in range(3)
    ]
    now = timezone.now()
    calls = [lambda b=b: booking_cancel(booking=b, now=now) for b in bookings + waiting]
    calls.insert(4, lambda: session_cancel(session=session, now=now))
    results = _in_parallel(calls)
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, ApplicationError) for e in errors), errors
    session.refresh_from_db()
    assert session.status == "cancelled"
    assert session.taken == 0
    assert not Booking.objects.filter(session=session, status__in=Booking.ACTIVE).exists()


def test_a_practitioner_with_one_place_gets_one_request_from_many_clients(make_user):
    """relationship_request locks the practitioner, then recounts their open relationships."""
    from coaching.models import Relationship
    from coaching.services import relationship_request
    from coaching.tests.factories import application, practitioner

    today = timezone.localdate()
    coach = practitioner(
        make_user(profile__organisation=OrganisationFactory()), capacity=1, supervised_on=today
    )
    apps = [application(make_user(profile__organisation=OrganisationFactory())) for _ in range(8)]
    results = _in_parallel(
        [
            lambda a=a: relationship_request(application=a, practitioner=coach, today=today)
            for a in apps
        ]
    )
    assert sum(isinstance(r, Relationship) for r in results) == 1
    assert all(isinstance(r, Relationship | ApplicationError) for r in results), results
    assert Relationship.objects.filter(practitioner=coach, status="requested").count() == 1
