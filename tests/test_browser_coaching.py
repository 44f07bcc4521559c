"""A client applies and is approved, picks from the shortlist, the coach accepts, logs two
sessions and the relationship completes; a second coach cannot see it."""

import pytest
from django.utils import timezone

from coaching.models import LoggedSession, Relationship
from coaching.tests.factories import practitioner
from talentportal.directory.models import Role
from talentportal.directory.tests.factories import OrganisationFactory
from tests.conftest import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_apply_approve_choose_accept_log_and_complete(contexts, make_user):
    today = timezone.localdate()
    coach_user = make_user(email="coach@nhs.example", first_name="Cora", last_name="Coach",
                           profile__organisation=OrganisationFactory())  # fmt: skip
    practitioner(coach_user, supervised_on=today, biography="Twenty years in the NHS.")
    other = make_user(email="other.coach@nhs.example", profile__organisation=OrganisationFactory())
    practitioner(other, supervised_on=today)
    make_user(
        email="client@nhs.example", first_name="Cal", profile__organisation=OrganisationFactory()
    )
    make_user(Role.PROGRAMME_ADMIN, email="team@nhs.example", first_name="Tess")

    client_page = signed_in(contexts, "client@nhs.example")
    client_page.get_by_role("link", name="Coaching", exact=True).click()
    client_page.get_by_role("link", name="Apply for a coach").click()
    client_page.get_by_label("What would you like to achieve?").fill("Step up to a senior role")
    client_page.get_by_label("My line manager agrees to me taking part").check()
    client_page.get_by_role("button", name="Continue").click()
    client_page.get_by_role("heading", name="Check your answers").wait_for()
    client_page.get_by_role("button", name="Send application").click()
    client_page.get_by_text("Your application has been sent").wait_for()

    team_page = signed_in(contexts, "team@nhs.example", totp=True)
    team_page.goto("/coaching/team/")
    team_page.get_by_role("button", name="Approve Cal").first.click()
    team_page.get_by_text("Coaching for Cal").first.wait_for()

    client_page.goto("/coaching/")
    client_page.get_by_role("link", name="see your shortlist").click()
    client_page.get_by_role("button", name="Ask Cora Coach").click()
    client_page.get_by_text("We have asked Cora Coach").wait_for()

    coach_page = signed_in(contexts, "coach@nhs.example")
    coach_page.goto("/coaching/")
    coach_page.get_by_role("link", name="Cal").click()
    coach_page.get_by_role("button", name="Accept").click()
    coach_page.get_by_text("the client has been told").wait_for()
    # The form opens on today's date, in the day, month and year fields, and one hour: a
    # session held today is logged without typing a date.
    assert coach_page.get_by_label("Day").input_value() == str(today.day)
    assert coach_page.get_by_label("Year").input_value() == str(today.year)
    assert coach_page.get_by_label("Duration").input_value() == "1"
    coach_page.get_by_label("Video call").check()
    coach_page.get_by_role("button", name="Log session").click()
    coach_page.get_by_text("Session logged").wait_for()
    # A second session that day is asked about before it is logged.
    coach_page.get_by_label("Duration").select_option(label="1.5 hours")
    coach_page.get_by_label("Video call").check()
    coach_page.get_by_role("button", name="Log session").click()
    coach_page.get_by_text("is already logged").first.wait_for()
    relationship = Relationship.objects.get()
    assert LoggedSession.objects.filter(relationship=relationship).count() == 1
    coach_page.get_by_label("Yes, log a second session on this day").check()
    coach_page.get_by_role("button", name="Log session").click()
    coach_page.get_by_text("Session logged").wait_for()
    assert LoggedSession.objects.filter(relationship=relationship).count() == 2
    url = f"/coaching/relationships/{relationship.pk}/"

    other_page = signed_in(contexts, "other.coach@nhs.example")
    response = other_page.goto(url)
    assert response.status == 404

    coach_page.get_by_role("button", name="Mark as complete").click()
    coach_page.get_by_role("heading", name="Mark the coaching with Cal").wait_for()
    coach_page.get_by_text("The 2 sessions logged stay").wait_for()
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.ACTIVE  # asked, not yet done
    coach_page.get_by_role("button", name="Yes, mark it as complete").click()
    coach_page.get_by_text("has ended as complete").wait_for()
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.COMPLETED
