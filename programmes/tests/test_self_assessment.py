from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes import services
from programmes.models import AssessmentAnswer, AssessmentDimension, Booking
from programmes.tests.factories import CohortFactory, SessionFactory
from talentportal.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(make_user):
    session = SessionFactory(starts_at=timezone.now() + timedelta(days=5))
    for n, name in enumerate(["Being", "Delivering"]):
        AssessmentDimension.objects.create(programme=session.programme, name=name, order=n)
    return Booking.objects.create(person=make_user(), session=session, status="confirmed",
                                  created_at=timezone.now())  # fmt: skip


def ratings(booking, value=3):
    return {d.pk: value for d in booking.session.programme.dimensions.all()}


def test_before_until_the_end_and_after_from_the_last_date(booking):
    now = timezone.now()
    with pytest.raises(ApplicationError, match="once you reach the last date"):
        services.self_assessment_submit(
            booking=booking, stage="after", ratings=ratings(booking), now=now
        )
    services.self_assessment_submit(
        booking=booking, stage="before", ratings=ratings(booking, 2), now=now
    )
    with pytest.raises(ApplicationError, match="already rated yourself"):
        services.self_assessment_submit(
            booking=booking, stage="before", ratings=ratings(booking), now=now
        )
    later = booking.session.ends_at + timedelta(hours=1)
    services.self_assessment_submit(
        booking=booking, stage="after", ratings=ratings(booking, 4), now=later
    )
    assert AssessmentAnswer.objects.filter(booking=booking).count() == 4


def test_every_dimension_needs_a_rating(booking):
    partial = dict(list(ratings(booking).items())[:1])
    with pytest.raises(ApplicationError, match="Delivering"):
        services.self_assessment_submit(
            booking=booking, stage="before", ratings=partial, now=timezone.now()
        )
    assert not AssessmentAnswer.objects.exists()


def test_a_participant_is_asked_and_answers_in_the_browser_flow(client, booking):
    client.force_login(booking.person)
    page = client.get(reverse("programmes:my_bookings")).content.decode()
    url = reverse("programmes:self_assessment", args=[booking.pk, "before"])
    assert url in page
    form = {f"d{d.pk}": "2" for d in booking.session.programme.dimensions.all()}
    assert client.post(url, form).status_code == 302
    assert url not in client.get(reverse("programmes:my_bookings")).content.decode()
    missing = client.post(reverse("programmes:self_assessment", args=[booking.pk, "after"]), {})
    assert "Rate yourself on Being" in missing.content.decode()


def test_on_the_last_date_my_bookings_offers_both_stages_and_both_are_taken(client, make_user):
    """One rule for what the page offers and what is accepted: "before" until the last date
    ends, "after" from its start. During the last date both are open; once it has ended,
    only "after"."""
    now = timezone.now()
    session = SessionFactory(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=2))
    AssessmentDimension.objects.create(programme=session.programme, name="Being", order=0)
    finished = SessionFactory(
        programme=session.programme,
        starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(days=2) + timedelta(hours=3),
    )
    person = make_user()
    bookings = [
        Booking.objects.create(person=person, session=s, status="confirmed", created_at=now)
        for s in (session, finished)
    ]
    client.force_login(person)
    page = client.get(reverse("programmes:my_bookings")).content.decode()
    url = lambda b, stage: reverse("programmes:self_assessment", args=[b.pk, stage])  # noqa: E731
    assert url(bookings[0], "before") in page and url(bookings[0], "after") in page
    assert url(bookings[1], "before") not in page and url(bookings[1], "after") in page
    dimension = session.programme.dimensions.get()
    for stage in ("before", "after"):
        response = client.post(url(bookings[0], stage), {f"d{dimension.pk}": "3"})
        assert response.status_code == 302, response.content.decode()
    assert AssessmentAnswer.objects.filter(booking=bookings[0]).count() == 2
    response = client.post(url(bookings[1], "before"), {f"d{dimension.pk}": "3"})
    assert "The programme has finished" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_cohort_is_rated_against_its_last_date_committed_as_in_production(client, make_user):
    """A cohort's last date is the latest to start that is not cancelled, for the page and
    the service alike (not the latest end: here the first date, a residential, ends
    later). Without a test transaction around it, the service must open its own."""
    now = timezone.now()
    cohort = CohortFactory(dates=0)
    AssessmentDimension.objects.create(programme=cohort.programme, name="Being", order=0)
    dated = {
        "residential": (now - timedelta(days=10), now + timedelta(days=1), "scheduled"),
        "last": (now - timedelta(hours=3), now - timedelta(hours=1), "scheduled"),
        "cancelled": (now + timedelta(days=5), now + timedelta(days=5, hours=3), "cancelled"),
    }
    for title, (starts_at, ends_at, status) in dated.items():
        SessionFactory(programme=cohort.programme, cohort=cohort, title=title,
                       starts_at=starts_at, ends_at=ends_at, status=status)  # fmt: skip
    person = make_user()
    booking = Booking.objects.create(person=person, cohort=cohort, status="confirmed",
                                     created_at=now)  # fmt: skip
    client.force_login(person)
    page = client.get(reverse("programmes:my_bookings")).content.decode()
    url = lambda stage: reverse("programmes:self_assessment", args=[booking.pk, stage])  # noqa: E731
    assert url("after") in page and url("before") not in page
    answer = {f"d{cohort.programme.dimensions.get().pk}": "4"}
    assert "The programme has finished" in client.post(url("before"), answer).content.decode()
    assert client.post(url("after"), answer).status_code == 302
    assert AssessmentAnswer.objects.get(booking=booking).stage == "after"


def test_nobody_answers_for_someone_else(client, make_user, booking):
    client.force_login(make_user())
    url = reverse("programmes:self_assessment", args=[booking.pk, "before"])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
