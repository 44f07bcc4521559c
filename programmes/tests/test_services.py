from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from programmes import services
from programmes.models import Booking, CohortAllocation, RegisterEntry, Session
from programmes.tests.factories import CohortFactory, ProgrammeFactory, SessionFactory
from talentportal.core.errors import ApplicationError
from talentportal.directory.models import IntegratedCareSystem, OrganisationType
from talentportal.directory.tests.factories import OrganisationFactory

NOW = timezone.now()


@pytest.fixture
def send_mail_now(django_capture_on_commit_callbacks):
    """Run the on-commit email dispatch of the block, so mail.outbox shows what was sent."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def book(person, target, now=NOW, **kwargs):
    return services.booking_create(person=person, target=target, now=now, **kwargs)


def test_booking_confirms_a_place_and_puts_the_person_on_the_register(make_user):
    session = SessionFactory(capacity=2)
    person = make_user()
    booking = book(person, session)
    assert booking.status == Booking.Status.CONFIRMED
    session.refresh_from_db()
    assert session.taken == 1
    assert list(RegisterEntry.objects.values_list("session", "attendance")) == [(session.pk, "")]


def test_the_confirmation_email_has_a_calendar_invitation_and_no_equality_data(
    make_user, send_mail_now
):
    session = SessionFactory()
    person = make_user()
    with send_mail_now():
        book(person, session, equality=services.EqualityAnswers("N", "yes", "female"))
    [message] = mail.outbox
    assert message.to == [person.email]
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == ("invitation.ics", "text/calendar")
    assert "BEGIN:VEVENT" in content and f"session-{session.pk}@talentportal" in content
    body = message.body.lower()
    for word in ("african", "disab", "female", "ethnic"):
        assert word not in body


def _invitation(message):
    [(_, content, _)] = message.attachments
    [event] = Calendar.from_ical(content).walk("VEVENT")
    return str(event["uid"]), int(event["sequence"]), str(event["status"])


def test_a_calendar_takes_every_change_of_a_booking_cancel_and_rebook_included(
    make_user, send_mail_now, client
):
    """A calendar replaces the event it holds only with the same UID and a higher SEQUENCE,
    and ignores a lower or equal one: the cancellation must outrank the invitation, and a
    rebooking of the same date must not be an 'update' ranked below the cancellation."""
    session = SessionFactory()
    person = make_user()
    with send_mail_now():
        first = book(person, session)
    with send_mail_now():
        services.booking_cancel(booking=first, now=NOW)
    with send_mail_now():
        again = book(person, session)
    invited, cancelled, rebooked = (_invitation(m) for m in mail.outbox)
    assert invited[0] == cancelled[0] and invited[2] == "CONFIRMED"
    assert cancelled[1] > invited[1] and cancelled[2] == "CANCELLED"
    assert rebooked[2] == "CONFIRMED"
    assert rebooked[0] != cancelled[0] or rebooked[1] > cancelled[1]
    # A download repeats the booking's current invitation: same UID and SEQUENCE.
    client.force_login(person)
    download = client.get(reverse("programmes:booking_calendar", args=[again.pk]))
    [event] = Calendar.from_ical(download.content).walk("VEVENT")
    assert (str(event["uid"]), int(event["sequence"])) == rebooked[:2]


def test_a_full_session_puts_people_on_the_waiting_list_in_order(make_user):
    session = SessionFactory(capacity=1)
    first, second, third = make_user(), make_user(), make_user()
    book(first, session)
    b2, b3 = book(second, session), book(third, session)
    assert (b2.status, b2.waitlist_position) == (Booking.Status.WAITLISTED, 1)
    assert (b3.status, b3.waitlist_position) == (Booking.Status.WAITLISTED, 2)
    session.refresh_from_db()
    assert session.taken == 1


def test_one_active_booking_per_person_and_session(make_user):
    session = SessionFactory()
    person = make_user()
    book(person, session)
    with pytest.raises(ApplicationError, match="already have a place"):
        book(person, session)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(person=person, session=session, status="waitlisted", created_at=NOW)


def test_a_cancelled_booking_can_be_made_again(make_user):
    session = SessionFactory()
    person = make_user()
    services.booking_cancel(booking=book(person, session), now=NOW)
    assert book(person, session).status == Booking.Status.CONFIRMED


def test_cancelling_frees_the_place_and_offers_it_to_the_first_person_waiting(
    make_user, settings, send_mail_now
):
    settings.PROGRAMMES_OFFER_HOURS = 48
    session = SessionFactory(capacity=1)
    holder, first, second = make_user(), make_user(), make_user()
    booking = book(holder, session)
    waiting1, waiting2 = book(first, session), book(second, session)
    with send_mail_now():
        services.booking_cancel(booking=booking, now=NOW)
    waiting1.refresh_from_db()
    waiting2.refresh_from_db()
    assert waiting1.status == Booking.Status.OFFERED
    assert waiting1.offer_expires_at == NOW + timedelta(hours=48)
    assert waiting2.status == Booking.Status.WAITLISTED
    session.refresh_from_db()
    assert session.taken == 1  # the offer holds the place
    assert [m.to for m in mail.outbox if "A place is available" in m.subject] == [[first.email]]

    services.offer_accept(booking=waiting1, now=NOW + timedelta(hours=1))
    waiting1.refresh_from_db()
    assert waiting1.status == Booking.Status.CONFIRMED
    assert RegisterEntry.objects.filter(booking=waiting1).count() == 1


def test_an_unanswered_offer_expires_and_passes_down_the_list(make_user):
    session = SessionFactory(capacity=1)
    holder, first, second = make_user(), make_user(), make_user()
    booking = book(holder, session)
    waiting1, waiting2 = book(first, session), book(second, session)
    services.booking_cancel(booking=booking, now=NOW)
    assert services.offers_expire(now=NOW + timedelta(hours=47)) == 0
    assert services.offers_expire(now=NOW + timedelta(hours=49)) == 1
    waiting1.refresh_from_db()
    waiting2.refresh_from_db()
    assert waiting1.status == Booking.Status.EXPIRED
    assert waiting2.status == Booking.Status.OFFERED
    with pytest.raises(ApplicationError, match="no open offer"):
        services.offer_accept(booking=waiting1, now=NOW + timedelta(hours=50))


def test_when_nobody_waits_the_place_goes_back(make_user):
    session = SessionFactory(capacity=1)
    services.booking_cancel(booking=book(make_user(), session), now=NOW)
    session.refresh_from_db()
    assert session.taken == 0


def test_nobody_is_offered_a_place_they_are_not_eligible_for(make_user):
    programme = ProgrammeFactory(eligible_bands=["7"])
    session = SessionFactory(programme=programme, capacity=1)
    holder, changed, eligible = (make_user(profile__band="7") for _ in range(3))
    booking = book(holder, session)
    waiting1, waiting2 = book(changed, session), book(eligible, session)
    changed.profile.band = "5"  # promoted away from the programme's audience... or not
    changed.profile.save()
    services.booking_cancel(booking=booking, now=NOW)
    waiting1.refresh_from_db()
    waiting2.refresh_from_db()
    assert waiting1.status == Booking.Status.WAITLISTED
    assert waiting2.status == Booking.Status.OFFERED


@pytest.mark.parametrize(
    ("rule", "profile", "reason"),
    [
        (
            {"eligible_bands": ["8a", "8b"]},
            {"band": "6"},
            "for band 8a or 8b; your profile says band 6",
        ),
        (
            {"eligible_staff_groups": ["clinical"]},
            {"staff_group": "non_clinical"},
            "for clinical staff",
        ),
    ],
)
def test_ineligible_people_are_told_why(make_user, rule, profile, reason):
    session = SessionFactory(programme=ProgrammeFactory(**rule))
    person = make_user(**{f"profile__{k}": v for k, v in profile.items()})
    with pytest.raises(ApplicationError, match=reason):
        book(person, session)
    assert not Booking.objects.exists()


def test_sector_and_system_rules_name_the_persons_organisation(make_user):
    programme = ProgrammeFactory()
    programme.eligible_sectors.add(OrganisationType.objects.get(code="primary_care"))
    session = SessionFactory(programme=programme)
    person = make_user()
    with pytest.raises(ApplicationError, match="for staff in primary care"):
        book(person, session)
    programme.eligible_sectors.clear()
    programme.eligible_systems.add(IntegratedCareSystem.objects.get(name="Lincolnshire"))
    with pytest.raises(ApplicationError, match="is in Black Country"):
        book(person, session)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"status": Session.Status.CANCELLED}, "cancelled"),
        ({"starts_at": NOW - timedelta(hours=1)}, "already started"),
        ({"booking_opens_at": NOW + timedelta(days=1)}, "Booking opens on"),
        ({"booking_closes_at": NOW - timedelta(days=1)}, "Booking has closed"),
    ],
)
def test_sessions_outside_their_booking_window_cannot_be_booked(make_user, change, reason):
    session = SessionFactory(**change, ends_at=NOW + timedelta(days=30))
    with pytest.raises(ApplicationError, match=reason):
        book(make_user(), session)


def test_late_cancellation_is_recorded_inside_the_window(make_user, settings):
    settings.PROGRAMMES_LATE_CANCELLATION_HOURS = 48
    session = SessionFactory(starts_at=NOW + timedelta(hours=30))
    booking = services.booking_cancel(booking=book(make_user(), session), now=NOW)
    assert booking.late_cancellation
    session2 = SessionFactory(starts_at=NOW + timedelta(days=5))
    booking2 = services.booking_cancel(booking=book(make_user(), session2), now=NOW)
    assert not booking2.late_cancellation


def test_nobody_cancels_after_the_start(make_user):
    session = SessionFactory(starts_at=NOW + timedelta(hours=1))
    booking = book(make_user(), session)
    with pytest.raises(ApplicationError, match="already started"):
        services.booking_cancel(booking=booking, now=NOW + timedelta(hours=2))


def test_booking_a_cohort_books_all_its_dates(make_user):
    cohort = CohortFactory(dates=3)
    booking = book(make_user(), cohort)
    assert booking.cohort == cohort
    assert RegisterEntry.objects.filter(booking=booking).count() == 3
    session = cohort.sessions.first()
    with pytest.raises(ApplicationError, match="book the cohort"):
        book(make_user(), session)


def test_a_system_allocation_caps_its_system_within_the_overall_capacity(make_user):
    cohort = CohortFactory(capacity=3)
    black_country = IntegratedCareSystem.objects.get(name="Black Country")
    lincolnshire = IntegratedCareSystem.objects.get(name="Lincolnshire")
    CohortAllocation.objects.create(cohort=cohort, system=black_country, places=1)
    CohortAllocation.objects.create(cohort=cohort, system=lincolnshire, places=2)
    lincs = OrganisationFactory(system=lincolnshire)
    bc1, bc2 = make_user(), make_user()  # factories put people in the Black Country
    l1, l2 = (make_user(profile__organisation=lincs) for _ in range(2))
    assert book(bc1, cohort).status == Booking.Status.CONFIRMED
    assert book(bc2, cohort).status == Booking.Status.WAITLISTED  # allocation full
    assert book(l1, cohort).status == Booking.Status.CONFIRMED
    assert book(l2, cohort).status == Booking.Status.CONFIRMED
    allocations = dict(CohortAllocation.objects.values_list("system__name", "taken"))
    assert allocations == {"Black Country": 1, "Lincolnshire": 2}
    # A Lincolnshire place frees: the Black Country person waiting cannot take it.
    services.booking_cancel(booking=Booking.objects.get(person=l1), now=NOW)
    assert Booking.objects.get(person=bc2).status == Booking.Status.WAITLISTED
    cohort.refresh_from_db()
    assert cohort.taken == 2


def test_the_database_refuses_more_places_than_capacity(db):
    session = SessionFactory(capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(taken=2)


def test_administrators_reorder_and_remove_the_waiting_list(make_user):
    session = SessionFactory(capacity=1)
    book(make_user(), session)
    a, b, c = (book(make_user(), session) for _ in range(3))
    services.waitlist_move(booking=c, position=1)
    order = list(
        Booking.objects.filter(status="waitlisted")
        .order_by("waitlist_position")
        .values_list("pk", flat=True)
    )
    assert order == [c.pk, a.pk, b.pk]
    services.waitlist_remove(booking=a, now=NOW)
    a.refresh_from_db()
    assert a.status == Booking.Status.REMOVED


def test_organiser_cancellation_tells_everyone_booked_and_waiting(make_user, send_mail_now):
    session = SessionFactory(capacity=1)
    booked, waiting = make_user(), make_user()
    book(booked, session)
    book(waiting, session)
    mail.outbox.clear()
    with send_mail_now():
        assert services.session_cancel(session=session, now=NOW) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([booked.email, waiting.email])
    assert set(Booking.objects.values_list("status", flat=True)) == {"organiser_cancelled"}


def _past_session_with(make_user, n):
    session = SessionFactory(capacity=n)
    people = [make_user() for _ in range(n)]
    for p in people:
        book(p, session)
    later = session.ends_at + timedelta(hours=1)
    return session, people, later


def test_register_marking_and_not_yet_recorded(make_user, send_mail_now):
    session, people, later = _past_session_with(make_user, 3)
    entries = {
        e.booking.person: e.pk for e in RegisterEntry.objects.select_related("booking__person")
    }
    with pytest.raises(ApplicationError, match="once the session has started"):
        services.register_mark(session=session, marks={}, by=people[0], now=NOW)
    mail.outbox.clear()
    with send_mail_now():
        changed = services.register_mark(
            session=session,
            marks={entries[people[0]]: "attended", entries[people[1]]: "did_not_attend"},
            by=people[0],
            now=later,
        )
    assert changed == 2
    assert dict(RegisterEntry.objects.values_list("booking__person", "attendance")) == {
        people[0].pk: "attended",
        people[1].pk: "did_not_attend",
        people[2].pk: "",
    }
    # Only the attendee is asked for an evaluation, once.
    assert [m.to for m in mail.outbox] == [[people[0].email]]
    session.refresh_from_db()
    assert session.status == Session.Status.DELIVERED


def test_reminders_go_once_to_those_booked_within_the_window(make_user, settings, send_mail_now):
    settings.PROGRAMMES_REMINDER_HOURS = 24
    soon = SessionFactory(starts_at=NOW + timedelta(hours=20))
    later = SessionFactory(starts_at=NOW + timedelta(days=3))
    person = make_user()
    book(person, soon)
    book(person, later)
    mail.outbox.clear()
    with send_mail_now():
        assert services.reminders_send(now=NOW) == 1
        assert services.reminders_send(now=NOW) == 0
    assert [m.subject for m in mail.outbox] == [f"Reminder: {soon.display_title}"]


def test_an_evaluation_is_sent_once_and_approved_for_quoting(make_user):
    session, people, later = _past_session_with(make_user, 1)
    booking = Booking.objects.get()
    with pytest.raises(ApplicationError, match="for people who attended"):
        services.evaluation_submit(
            booking=booking, rating=5, will_do_differently="", comments="", now=later
        )
    entry = RegisterEntry.objects.get(booking=booking)
    services.register_mark(session=session, marks={entry.pk: "attended"}, by=people[0], now=later)
    evaluation = services.evaluation_submit(
        booking=booking, rating=5, will_do_differently="Listen more", comments="Great", now=later
    )
    with pytest.raises(ApplicationError):
        services.evaluation_submit(
            booking=booking, rating=4, will_do_differently="", comments="", now=later
        )
    services.evaluation_approve(evaluation=evaluation, approved=True, by=people[0], now=later)
    evaluation.refresh_from_db()
    assert evaluation.approved_for_publication and evaluation.approved_by == people[0]


def test_a_series_is_booked_as_a_set_with_a_waiting_place_where_full(make_user):
    programme = ProgrammeFactory(format="series_bundle")
    open1, full, open2 = (SessionFactory(programme=programme, capacity=c) for c in (5, 1, 5))
    book(make_user(), full)
    person = make_user()
    book(person, open2)  # already held: left as it is
    bookings = services.series_book(person=person, programme=programme, now=NOW)
    assert {(b.session, b.status) for b in bookings} == {
        (open1, Booking.Status.CONFIRMED),
        (full, Booking.Status.WAITLISTED),
    }
    with pytest.raises(ApplicationError, match="every upcoming workshop"):
        services.series_book(person=person, programme=programme, now=NOW)
    with pytest.raises(ApplicationError, match="Only a series"):
        services.series_book(person=person, programme=ProgrammeFactory(), now=NOW)


def test_a_session_cancelled_meanwhile_cannot_be_booked(make_user):
    session = SessionFactory()
    stale = Session.objects.get(pk=session.pk)  # a page loaded before the cancellation
    services.session_cancel(session=session, now=NOW)
    with pytest.raises(ApplicationError, match="cancelled"):
        book(make_user(), stale)
    assert not Booking.objects.exists()
    assert Session.objects.get(pk=session.pk).taken == 0


def test_newcomers_do_not_jump_the_waiting_list_when_places_appear(make_user):
    session = SessionFactory(capacity=1)
    book(make_user(), session)
    waiting = book(make_user(), session)
    Session.objects.filter(pk=session.pk).update(capacity=2)  # raised by the organiser
    newcomer = book(make_user(), session)
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.OFFERED
    assert newcomer.status == Booking.Status.WAITLISTED


def test_a_place_is_released_from_the_allocation_it_was_taken_from(make_user):
    cohort = CohortFactory(capacity=5)
    early = book(make_user(), cohort)  # before any allocation existed
    allocation = CohortAllocation.objects.create(
        cohort=cohort, system=IntegratedCareSystem.objects.get(name="Black Country"), places=2
    )
    later = book(make_user(), cohort)
    assert (early.allocation, later.allocation) == (None, allocation)
    services.booking_cancel(booking=early, now=NOW)
    allocation.refresh_from_db()
    assert allocation.taken == 1  # only `later` counts against it


def test_an_offer_never_outlives_the_start_and_cannot_be_taken_after_it(make_user):
    session = SessionFactory(capacity=1, starts_at=NOW + timedelta(hours=10))
    holder = book(make_user(), session)
    waiting = book(make_user(), session)
    services.booking_cancel(booking=holder, now=NOW)
    waiting.refresh_from_db()
    assert waiting.offer_expires_at == session.starts_at
    with pytest.raises(ApplicationError):
        services.offer_accept(booking=waiting, now=NOW + timedelta(hours=11))


def test_cancelling_a_cohort_cancels_its_dates_bookings_and_counters(make_user, send_mail_now):
    cohort = CohortFactory(capacity=1)
    CohortAllocation.objects.create(
        cohort=cohort, system=IntegratedCareSystem.objects.get(name="Black Country"), places=1
    )
    booked, waiting = make_user(), make_user()
    book(booked, cohort)
    book(waiting, cohort)
    mail.outbox.clear()
    with send_mail_now():
        assert services.cohort_cancel(cohort=cohort, now=NOW) == 2
    cohort.refresh_from_db()
    assert cohort.cancelled and cohort.taken == 0
    assert set(CohortAllocation.objects.values_list("taken", flat=True)) == {0}
    assert set(cohort.sessions.values_list("status", flat=True)) == {"cancelled"}
    assert set(Booking.objects.values_list("status", flat=True)) == {"organiser_cancelled"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([booked.email, waiting.email])
    with pytest.raises(ApplicationError, match="cancelled"):
        book(make_user(), cohort)
