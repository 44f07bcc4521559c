from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes import services
from programmes.models import AssessmentAnswer, AssessmentDimension, Booking
from programmes.tests.factories import SessionFactory
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


def test_nobody_answers_for_someone_else(client, make_user, booking):
    client.force_login(make_user())
    url = reverse("programmes:self_assessment", args=[booking.pk, "before"])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
