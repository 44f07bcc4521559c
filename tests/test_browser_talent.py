"""A talent lead nominates; the team accepts; the pool grows; the member sees a matching
vacancy and expresses interest; a talent lead from another system cannot see the nomination."""

from datetime import timedelta

import pytest
from django.utils import timezone

from talentpools.models import Nomination, NominationWindow, PoolMembership, VacancyInterest
from talentportal.directory.models import IntegratedCareSystem, Role, User
from talentportal.directory.tests.factories import OrganisationFactory
from talentportal.notifications.models import OutboundEmail
from tests.conftest import fill_date, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_nominate_accept_join_pool_and_express_interest(contexts, make_user):
    today = timezone.localdate()
    NominationWindow.objects.create(
        name="Spring 2025 window",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=10),
    )
    black_country = IntegratedCareSystem.objects.get(name="Black Country")
    coventry = IntegratedCareSystem.objects.get(name="Coventry and Warwickshire")
    trust = OrganisationFactory(name="Walsall Healthcare NHS Trust", system=black_country)
    make_user(email="nia@nhs.example", first_name="Nia", last_name="Nominee",
              profile__organisation=trust)  # fmt: skip
    make_user({"role": Role.TALENT_LEAD, "system": black_country},
              email="lead@nhs.example", first_name="Lena", profile__organisation=trust)  # fmt: skip
    make_user({"role": Role.TALENT_LEAD, "system": coventry}, email="other.lead@nhs.example",
              profile__organisation=OrganisationFactory(system=coventry))  # fmt: skip
    make_user(Role.PROGRAMME_ADMIN, email="team@nhs.example", first_name="Tess")

    # The Black Country talent lead nominates Nia.
    lead_page = signed_in(contexts, "lead@nhs.example", totp=True)
    lead_page.get_by_role("link", name="Talent", exact=True).click()
    lead_page.get_by_role("link", name="Nominate someone for the aspirant director pool").click()
    # The person picker: an autocomplete that searches people in the lead's scope.
    lead_page.get_by_label("Who are you nominating?").press_sequentially("Nia")
    lead_page.get_by_role("option", name="Nia Nominee").click()
    assert lead_page.locator("input[data-person-id]").input_value() == str(
        User.objects.get(email="nia@nhs.example").pk
    )
    lead_page.get_by_label("Target director role").select_option(label="Director of Nursing")
    lead_page.get_by_label("Ready now (within 12 months)").check()
    lead_page.get_by_label("Evidence statement").fill(
        "Leads the trust's nursing strategy and deputises for the chief nurse."
    )
    lead_page.get_by_label("Executive sponsor's name").fill("Sam Sponsor")
    lead_page.get_by_label("Executive sponsor's job title").fill("Chief Nurse")
    lead_page.get_by_label("The executive sponsor endorses this nomination").check()
    lead_page.get_by_role("button", name="Continue").click()
    lead_page.get_by_role("heading", name="Check your answers").wait_for()
    lead_page.get_by_role("button", name="Send nomination").click()
    lead_page.get_by_text("Nomination of Nia Nominee sent").wait_for()
    nomination = Nomination.objects.get()
    assert nomination.nominee.email == "nia@nhs.example"

    # The window closes (the team decides only then); the team accepts and Nia joins the pool.
    NominationWindow.objects.update(closes_on=today - timedelta(days=1))
    assert PoolMembership.objects.filter(left_on__isnull=True).count() == 0
    team_page = signed_in(contexts, "team@nhs.example", totp=True)
    team_page.get_by_role("link", name="Talent", exact=True).click()
    team_page.get_by_role("link", name="Nominations", exact=True).click()
    team_page.get_by_role("link", name="Nia Nominee").click()
    team_page.get_by_role("heading", name="Nomination of Nia Nominee").wait_for()
    team_page.get_by_label("Accepted").check()
    team_page.get_by_role("button", name="Record decision").click()
    team_page.get_by_text("Decision recorded; the nominee has been told.").wait_for()
    assert PoolMembership.objects.filter(left_on__isnull=True).count() == 1

    team_page.goto("/talent/pool/")
    team_page.get_by_role("heading", name="Current members (1)").wait_for()
    members = team_page.get_by_role("table").filter(has_text="Joined")
    members.get_by_role("link", name="Nia Nominee").wait_for()

    # The team posts a nursing director vacancy; Nia is told and expresses interest.
    team_page.goto("/talent/vacancies/")
    team_page.get_by_label("Title").fill("Director of Nursing, Walsall")
    team_page.get_by_label("Role family").select_option(label="Director of Nursing")
    team_page.get_by_label("Organisation").select_option(label="Walsall Healthcare NHS Trust")
    fill_date(team_page, "Closing date", today + timedelta(days=30))
    team_page.get_by_role("button", name="Post vacancy").click()
    team_page.get_by_text("Director of Nursing, Walsall posted").wait_for()
    assert OutboundEmail.objects.filter(
        subject="Director vacancy: Director of Nursing, Walsall",
        recipients__contains=["nia@nhs.example"],
    ).exists()

    member_page = signed_in(contexts, "nia@nhs.example")
    member_page.get_by_role("link", name="Talent", exact=True).click()
    member_page.get_by_role("heading", name="Director vacancies for you").wait_for()
    member_page.get_by_role("link", name="Director of Nursing, Walsall").wait_for()
    member_page.get_by_role("button", name="Express interest").click()
    member_page.get_by_text(
        "The talent team knows you are interested in Director of Nursing, Walsall."
    ).wait_for()
    member_page.get_by_text("You have expressed interest").wait_for()
    assert VacancyInterest.objects.filter(
        member__email="nia@nhs.example", vacancy__title="Director of Nursing, Walsall"
    ).exists()

    # A talent lead from another system sees neither the list entry nor the nomination.
    other_page = signed_in(contexts, "other.lead@nhs.example", totp=True)
    response = other_page.goto("/talent/nominations/")
    assert response.status == 200
    other_page.get_by_role("heading", name="Nominations", exact=True).wait_for()
    assert other_page.get_by_text("Nia Nominee").count() == 0
    other_page.get_by_text("No nominations.").wait_for()
    response = other_page.goto(f"/talent/nominations/{nomination.pk}/")
    assert response.status == 404
    assert other_page.get_by_text("Nia Nominee").count() == 0
