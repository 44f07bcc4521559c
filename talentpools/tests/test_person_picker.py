"""Person pickers: the search a talent lead's page asks, and the form field that takes a
chosen id or, without JavaScript, the name typed (issue 18)."""

import pytest
from django.urls import reverse

from talentportal.core.forms import PersonPickerField
from talentportal.directory.models import IntegratedCareSystem, Role, User
from talentportal.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def walsall_lead(make_user):
    bc = IntegratedCareSystem.objects.get(name="Black Country")
    walsall = OrganisationFactory(system=bc, name="Walsall Healthcare NHS Trust")
    lead = make_user({"role": Role.TALENT_LEAD, "organisation": walsall}, first_name="Lena",
                     last_name="Lead", profile__organisation=walsall)  # fmt: skip
    for first in ("Samira", "Samuel"):
        make_user(first_name=first, last_name="Okafor", email=f"{first}@nhs.example",
                  profile__organisation=walsall, profile__job_title="Ward Manager")  # fmt: skip
    make_user(first_name="Samantha", last_name="Elsewhere", email="samantha@nhs.example",
              profile__organisation=OrganisationFactory())  # fmt: skip
    return lead


def search(client, purpose, q):
    return client.get(reverse("talentpools:person_search", args=[purpose]), {"q": q})


def test_the_search_finds_only_people_in_the_leads_scope_by_name_never_by_email(
    client, walsall_lead
):
    client.force_login(walsall_lead)
    results = search(client, "successor", "sam").json()["results"]
    assert [(r["name"], r["job_title"], r["organisation"]) for r in results] == [
        ("Samira Okafor", "Ward Manager", "Walsall Healthcare NHS Trust"),
        ("Samuel Okafor", "Ward Manager", "Walsall Healthcare NHS Trust"),
    ]
    assert all(set(r) == {"id", "name", "job_title", "organisation"} for r in results)
    assert "@" not in search(client, "successor", "sam").content.decode()
    assert search(client, "successor", "sam oka").json()["results"][0]["name"] == "Samira Okafor"
    assert search(client, "successor", "lena").json()["results"] == []  # never themselves
    short = search(client, "successor", "sa")
    assert short.json() == {"error": "Type at least 3 letters.", "results": []}


def test_the_search_is_for_talent_staff_and_nominees_for_talent_leads_only(client, make_user):
    client.force_login(make_user())
    assert search(client, "successor", "sam").status_code == 403
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    assert search(client, "nominee", "sam").status_code == 404
    assert search(client, "anything", "sam").status_code == 404


def test_the_search_is_rate_limited(client, walsall_lead, settings):
    from talentpools.views import PersonSearchView

    client.force_login(walsall_lead)
    for _ in range(PersonSearchView.PER_MINUTE):
        assert search(client, "successor", "sam").status_code == 200
    assert search(client, "successor", "sam").status_code == 429


class Pick:
    def __init__(self, people):
        from django import forms

        class Form(forms.Form):
            person = PersonPickerField(queryset=people)

        self.form_class = Form

    def send(self, **data):
        form = self.form_class(data)
        return form, form.is_valid()


def test_without_javascript_a_name_typed_picks_the_one_person_or_offers_the_matches(
    walsall_lead,
):
    people = User.objects.filter(profile__organisation=walsall_lead.profile.organisation)
    pick = Pick(people)
    form, valid = pick.send(person_name="Samira")
    assert valid and form.cleaned_data["person"].first_name == "Samira"
    form, valid = pick.send(person_name="Sam")
    assert not valid and form.errors["person"] == [
        "2 people match Sam: choose one, or type more of their name"
    ]
    html = str(form["person"])
    assert html.count('type="radio"') == 2 and "Samuel Okafor – Ward Manager" in html
    chosen = User.objects.get(first_name="Samuel")
    form, valid = pick.send(person=str(chosen.pk), person_name="Sam")
    assert valid and form.cleaned_data["person"] == chosen
    form, valid = pick.send(person_name="Samantha")  # not in this scope
    assert not valid and form.errors["person"] == ["Nobody you can choose here is called Samantha"]
    outsider = User.objects.get(first_name="Samantha")
    form, valid = pick.send(person=str(outsider.pk))
    assert not valid  # an id from outside the scope is refused too
    form, valid = pick.send(person_name="Sa")
    assert form.errors["person"] == ["Type at least 3 letters of their name"]
