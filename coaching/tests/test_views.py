"""Who sees what in CoachNet/MentorNet: the pair sees their relationship; nobody else does."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching import services
from coaching.models import (
    Application,
    ApprovalStatus,
    CohortMatch,
    PrivateNote,
    Relationship,
)
from coaching.tests.factories import application, practitioner
from talentportal.core.errors import ApplicationError
from talentportal.directory.models import Role, RoleAssignment
from talentportal.directory.permissions import roles_of
from talentportal.directory.tests.factories import OrganisationFactory


@pytest.fixture
def pair(make_user):
    today = timezone.localdate()
    coach = practitioner(
        make_user(profile__organisation=OrganisationFactory()), supervised_on=today
    )
    app = application(make_user(profile__organisation=OrganisationFactory()))
    rel = services.relationship_request(application=app, practitioner=coach, today=today)
    services.relationship_respond(relationship=rel, by=coach.user, accept=True, today=today)
    services.session_log(
        relationship=rel,
        by=coach.user,
        held_on=today,
        hours=Decimal("1"),
        mode="video",
        today=today,
    )
    services.message_send(
        relationship=rel, sender=app.client, body="A confidential worry", now=timezone.now()
    )
    services.note_add(relationship=rel, author=coach.user, text="My private reflection")
    return {"rel": rel, "coach": coach, "client": app.client, "application": app}


def test_only_the_pair_sees_a_relationship(client, make_user, pair):
    url = reverse("coaching:relationship", args=[pair["rel"].pk])
    client.force_login(pair["client"])
    page = client.get(url).content.decode()
    assert "A confidential worry" in page
    assert "My private reflection" not in page  # the practitioner's notes are theirs alone
    client.force_login(pair["coach"].user)
    page = client.get(url).content.decode()
    assert "A confidential worry" in page and "My private reflection" in page
    other_coach = practitioner(make_user(profile__organisation=OrganisationFactory()))
    for outsider in (
        other_coach.user,
        make_user(),
        make_user(Role.PROGRAMME_ADMIN),
        make_user(Role.SYSTEM_ADMIN),
    ):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "complete"}).status_code == 404
    pair["rel"].refresh_from_db()
    assert pair["rel"].status == Relationship.Status.ACTIVE


def test_the_team_sees_status_dates_and_counts_but_no_content(client, make_user, pair):
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    for name in ("coaching:team", "coaching:team_relationships", "coaching:team_practitioners"):
        page = client.get(reverse(name)).content.decode()
        for secret in ("A confidential worry", "My private reflection", pair["rel"].goals):
            assert secret not in page, name
    page = client.get(reverse("coaching:team_relationships")).content.decode()
    assert str(pair["coach"]) in page and "Active" in page
    assert PrivateNote.objects.count() == 1


@pytest.mark.parametrize("role", ["anonymous", "participant", "coach", "programme_admin"])
def test_team_pages_are_for_the_team(client, make_user, role):
    if role != "anonymous":
        grants = {
            "participant": (),
            "coach": (Role.COACH,),
            "programme_admin": (Role.PROGRAMME_ADMIN,),
        }
        client.force_login(make_user(*grants[role]))
    for url in [reverse("coaching:team"), reverse("coaching:team_relationships"),
                reverse("coaching:team_practitioners"), reverse("coaching:cohort_match_new")]:  # fmt: skip
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302
        elif role == "programme_admin":
            assert response.status_code == 200
        else:
            assert response.status_code == 403


def test_a_shortlist_is_its_applicants_alone(client, make_user, pair):
    url = reverse("coaching:shortlist", args=[pair["application"].pk])
    client.force_login(make_user())
    assert client.get(url).status_code == 404


def test_applying_shows_errors_and_then_sends(client, make_user):
    client.force_login(make_user())
    url = reverse("coaching:apply", args=["coaching"])
    response = client.post(url, {"goals": "", "line_manager_agrees": ""})
    assert "Tell us what you would like to achieve" in response.content.decode()
    answers = {"goals": "Grow", "line_manager_agrees": "on", "mode": "video"}
    check = client.post(url, answers).content.decode()
    assert "Check your answers before sending your application" in check and "Grow" in check
    assert not Application.objects.exists()
    response = client.post(url, {**answers, "confirmed": "yes"})
    assert response.status_code == 302
    assert Application.objects.get().goals == "Grow"
    assert client.get(reverse("coaching:apply", args=["juggling"])).status_code == 404


def test_an_evidence_file_of_the_wrong_type_is_refused(client, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    coach = practitioner(make_user())
    client.force_login(coach.user)
    response = client.post(
        reverse("coaching:practitioner_profile"),
        {
            "qualification": "1",
            "qualification-body": "EMCC",
            "qualification-level": "Senior Practitioner",
            "qualification-awarded_on": "2020-05-01",
            "qualification-evidence": SimpleUploadedFile("cert.html", b"<script>alert(1)</script>"),
        },
    )
    assert response.status_code == 200
    assert "File extension" in response.content.decode()
    assert not coach.qualifications.exists()


def test_pages_run_a_bounded_number_of_queries(
    client, make_user, pair, django_assert_max_num_queries
):
    for _ in range(6):
        practitioner(make_user(profile__organisation=OrganisationFactory()))
    client.force_login(pair["client"])
    for url in [reverse("coaching:home"), reverse("coaching:relationship", args=[pair["rel"].pk])]:
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    with django_assert_max_num_queries(25):
        assert client.get(reverse("coaching:team")).status_code == 200


def test_evidence_is_for_its_owner_and_the_team_only(client, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from coaching.models import Qualification

    coach = practitioner(make_user())
    q = Qualification.objects.create(
        practitioner=coach, body="EMCC", level="Senior", awarded_on="2020-01-01",
        evidence=SimpleUploadedFile("cert.pdf", b"%PDF-1.4 evidence"),
    )  # fmt: skip
    assert "cert" not in q.evidence.name  # stored under a random name
    url = reverse("coaching:evidence", args=[q.pk])
    client.force_login(make_user())
    assert client.get(url).status_code == 404
    for user in (coach.user, make_user(Role.PROGRAMME_ADMIN)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
    q.evidence.delete()


def test_bad_team_posts_are_not_errors(client, make_user):
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    assert (
        client.post(
            reverse("coaching:team"), {"practitioner": "abc", "decision": "approve"}
        ).status_code
        == 404
    )
    response = client.post(reverse("coaching:team"), {"application": "1"}, follow=True)
    assert "Choose approve or do not approve" in response.content.decode()


# Nobody decides on their own case


def test_a_team_member_cannot_approve_their_own_practitioner_registration(client, make_user):
    """The probe: a programme administrator approved their own registration, and so granted
    themselves the coach role."""
    admin = make_user(Role.PROGRAMME_ADMIN, profile__band="8a")
    own = practitioner(admin, approved=False)
    client.force_login(admin)
    page = client.get(reverse("coaching:team")).content.decode()
    assert "Someone else in the team must decide on your own registration." in page
    assert f'name="practitioner" value="{own.pk}"' not in page
    response = client.post(
        reverse("coaching:team"), {"practitioner": own.pk, "decision": "approve"}, follow=True
    )
    assert response.status_code == 200
    assert "Someone else in the team must decide on your own registration." in (
        response.content.decode()
    )
    own.refresh_from_db()
    assert own.status == ApprovalStatus.SUBMITTED
    assert Role.COACH not in roles_of(admin)
    assert not RoleAssignment.objects.filter(user=admin, role=Role.COACH).exists()
    # Someone else in the team approves it, and is recorded as granting the role.
    other = make_user(Role.PROGRAMME_ADMIN)
    client.force_login(other)
    client.post(reverse("coaching:team"), {"practitioner": own.pk, "decision": "approve"})
    assert RoleAssignment.objects.get(user=admin, role=Role.COACH).granted_by == other


def test_a_team_member_cannot_approve_their_own_application(client, make_user):
    admin = make_user(Role.PROGRAMME_ADMIN, profile__organisation=OrganisationFactory())
    own = application(admin, approved=False)
    client.force_login(admin)
    page = client.get(reverse("coaching:team")).content.decode()
    assert "Someone else in the team must decide on your own application." in page
    assert f'name="application" value="{own.pk}"' not in page
    response = client.post(
        reverse("coaching:team"), {"application": own.pk, "decision": "approve"}, follow=True
    )
    assert "Someone else in the team must decide on your own application." in (
        response.content.decode()
    )
    own.refresh_from_db()
    assert own.status == ApprovalStatus.SUBMITTED
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    client.post(reverse("coaching:team"), {"application": own.pk, "decision": "approve"})
    own.refresh_from_db()
    assert own.status == ApprovalStatus.APPROVED


def test_a_team_member_cannot_match_or_publish_their_own_application(client, make_user):
    admin = make_user(Role.PROGRAMME_ADMIN, profile__organisation=OrganisationFactory())
    own = application(admin)
    practitioner(make_user(profile__organisation=OrganisationFactory()))
    client.force_login(admin)
    url = reverse("coaching:cohort_match_new")
    assert f'value="{own.pk}"' not in client.get(url).content.decode()
    response = client.post(url, {"name": "Mine", "kind": "coaching", "applications": [own.pk]})
    assert response.status_code == 200 and not CohortMatch.objects.exists()
    # A match someone else made with their application in it: they cannot publish it.
    other = make_user(Role.PROGRAMME_ADMIN)
    match = services.cohort_match_create(
        name="EDP", kind="coaching", applications=[own], by=other, now=timezone.now()
    )
    detail = reverse("coaching:cohort_match", args=[match.pk])
    own_match = "Your own application is in this match: someone else in the team must publish it."
    page = client.get(detail).content.decode()
    assert own_match in page
    assert "Publish: ask each practitioner" not in page and "Adjust before publishing" not in page
    pair = match.pairs.get()
    adjust = client.post(detail, {"action": "change", "pair": pair.pk, "practitioner": ""},
                         HTTP_REFERER=detail, follow=True)  # fmt: skip
    assert own_match in adjust.content.decode()  # nor adjust it
    client.force_login(other)
    assert "Adjust before publishing" in client.get(detail).content.decode()
    client.post(detail, {"action": "change", "pair": pair.pk, "practitioner": ""})
    pair.refresh_from_db()
    assert pair.practitioner is None and "left out by" in pair.reasons
    client.force_login(admin)
    response = client.post(detail, HTTP_REFERER=detail, follow=True)
    assert response.redirect_chain == [(detail, 302)]
    assert f'<div class="nhsuk-error-summary__body"><p>{own_match}' in response.content.decode()
    assert not Relationship.objects.exists()
    with pytest.raises(ApplicationError, match="match your own application"):
        services.cohort_match_create(
            name="Mine", kind="coaching", applications=[own], by=admin, now=timezone.now()
        )


def _evidence_samples():
    """Real files of each accepted kind, made here, and the bad ones the portal refuses."""
    import io

    from PIL import Image
    from pypdf import PdfWriter

    pdf = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(pdf)
    png, jpeg = io.BytesIO(), io.BytesIO()
    picture = Image.new("RGB", (300, 200), (0, 94, 184))
    picture.save(png, "PNG")
    picture.save(jpeg, "JPEG")
    png, jpeg = png.getvalue(), jpeg.getvalue()
    good = {"certificate.pdf": pdf.getvalue(), "scan.png": png, "photo.jpg": jpeg,
            "photo.JPEG": jpeg}  # fmt: skip
    bad = {
        "certificate.pdf": (b"<html><script>alert(1)</script></html>", "is not a PDF"),
        "polyglot.pdf": (b"%PDF-1.4\n<html><script>alert(1)</script></html>", "is not a PDF"),
        "program.png": (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56, "is not a PNG image"),
        "setup.png": (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56, "is not a PNG image"),
        "truncated.png": (png[: len(png) // 2], "may be incomplete or damaged"),
        "truncated.jpg": (jpeg[: len(jpeg) // 2], "may be incomplete or damaged"),
        "swapped.jpg": (png, "is not a JPEG image"),
    }
    return good, bad


def test_evidence_is_checked_by_its_content_not_only_its_name(client, make_user):
    # As in any process that has built a PDF: WeasyPrint makes Pillow lenient on import.
    import weasyprint  # noqa: F401
    from django.core.files.uploadedfile import SimpleUploadedFile

    coach = practitioner(make_user())
    client.force_login(coach.user)
    url = reverse("coaching:practitioner_profile")
    good, bad = _evidence_samples()

    def upload(name, content):
        return client.post(url, {
            "qualification": "1", "qualification-body": "EMCC",
            "qualification-level": "Senior Practitioner",
            "qualification-awarded_on": "2020-05-01",
            "qualification-evidence": SimpleUploadedFile(name, content),
        })  # fmt: skip

    for name, (content, message) in bad.items():
        response = upload(name, content)
        assert response.status_code == 200, name
        assert message in response.content.decode(), name
        assert 'class="nhsuk-error-summary"' in response.content.decode(), name
        assert not coach.qualifications.exists(), name
    try:
        for name, content in good.items():
            assert upload(name, content).status_code == 302, name
            stored = coach.qualifications.latest("pk").evidence
            assert stored.read() == content  # kept whole, after being read to check it
            stored.close()
    finally:
        for q in coach.qualifications.all():
            q.evidence.delete()
    assert coach.qualifications.count() == len(good)


def test_the_shortlist_shows_what_a_client_needs_to_choose(client, make_user):
    """Accreditation, the themes they work with and which of the client's match, by name,
    how they meet, places free and the practitioner's own words."""
    from coaching.models import Qualification, Theme

    themes = list(Theme.objects.order_by("name")[:3])
    coach = practitioner(
        make_user(first_name="Cora", last_name="Coach", profile__organisation=OrganisationFactory(),
                  profile__job_title="Head of OD"),
        themes=[t.name for t in themes[:2]], modes=("video", "in_person"), capacity=3,
        biography="Twenty years in the NHS.",
    )  # fmt: skip
    Qualification.objects.create(practitioner=coach, body="EMCC", level="Senior Practitioner",
                                 awarded_on=timezone.localdate().replace(year=2020))  # fmt: skip
    person = make_user(profile__organisation=OrganisationFactory())
    app = application(person, themes=[themes[1].name, themes[2].name])
    client.force_login(person)
    page = client.get(reverse("coaching:shortlist", args=[app.pk])).content.decode()
    assert "EMCC Senior Practitioner (2020)" in page
    assert f"Matches 1 of your 2 themes</strong> {themes[1].name}" in page
    assert "Video call, In person" in page
    assert "Twenty years in the NHS." in page and "Head of OD" in page
    assert '<dd class="nhsuk-summary-list__value">3</dd>' in page
    assert "@" not in page.split("<main")[1].split("</main>")[0]


def test_the_team_sees_what_an_applicant_asked_for_and_what_is_overdue(client, make_user):
    from datetime import timedelta

    from coaching.models import Theme

    theme = Theme.objects.order_by("name").first()
    waiting = application(make_user(first_name="Wendy", profile__organisation=OrganisationFactory()),
                          approved=False, themes=[theme.name], language="Welsh")  # fmt: skip
    Application.objects.filter(pk=waiting.pk).update(
        submitted_on=timezone.localdate() - timedelta(days=10)
    )
    coach = practitioner(make_user(first_name="Una", last_name="Supervised",
                                   profile__organisation=OrganisationFactory()),
                         supervised_on=timezone.localdate() - timedelta(days=500))  # fmt: skip
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    page = client.get(reverse("coaching:team")).content.decode()
    card = page[page.index("Wendy") :]
    assert "Waiting more than a week" in page[: page.index("Wendy") + 400]
    assert waiting.goals in card and theme.name in card and "in Welsh" in card
    staff = client.get(reverse("coaching:team_practitioners")).content.decode()
    row = staff[staff.index("Una Supervised") :].split("</tr>")[0]
    assert "Overdue" in row and str(coach.capacity) in row
    relationships = client.get(reverse("coaching:team_relationships"), {"page": "99"})
    assert relationships.status_code == 200  # past the end: the last page, not an error
