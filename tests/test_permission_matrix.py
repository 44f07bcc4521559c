"""Every URL pattern of the portal, for every role: exactly what docs/permissions.md says.

The world: a participant ("owner") in organisation A of the Black Country, with a booking,
a coaching relationship, a nomination, a pool membership, a self-assessment and a GMTS
place; reviews and succession plans of organisation A; a programme and cohort; an EDP
cohort; a year in review with a PDF. Each role then asks for every page. Records that are
not theirs answer 404 exactly like missing ones; pages of a role they lack answer 403;
anonymous visitors are sent to sign in."""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import get_resolver, reverse
from django.utils import timezone

from coaching.models import Relationship
from coaching.tests.factories import application, practitioner
from programmes.models import AssessmentDimension, Booking, RegisterEntry
from programmes.tests.factories import CohortFactory, SessionFactory
from reporting import selectors as reporting_selectors
from reporting import services as reporting_services
from reporting.models import ReportFile
from talentpools.models import (
    NominationWindow,
    SchemeCohort,
    SeniorPost,
    TalentReview,
    Trainee,
    Vacancy,
)
from talentpools.services import nomination_submit
from talentpools.tests.factories import NOMINATION, MembershipFactory
from talentportal.directory.models import IntegratedCareSystem, Role, RoleAssignment
from talentportal.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous", "participant", "coach", "mentor", "programme_admin", "lead_org_a",
    "lead_org_b", "lead_system", "scheme_manager", "report_team", "system_admin", "owner",
]  # fmt: skip


def build_world(make_user):
    bc = IntegratedCareSystem.objects.get(name="Black Country")
    org_a, org_b = OrganisationFactory(system=bc), OrganisationFactory(system=bc)
    owner = make_user(profile__organisation=org_a, profile__band="8a")
    lead_a = make_user(
        {"role": Role.TALENT_LEAD, "organisation": org_a}, profile__organisation=org_a
    )
    users = {
        "participant": make_user(),
        "coach": make_user(Role.COACH),
        "mentor": make_user(Role.MENTOR),
        "programme_admin": make_user(Role.PROGRAMME_ADMIN),
        "lead_org_a": lead_a,
        "lead_org_b": make_user({"role": Role.TALENT_LEAD, "organisation": org_b}),
        "lead_system": make_user({"role": Role.TALENT_LEAD, "system": bc}),
        "scheme_manager": make_user({"role": Role.SCHEME_MANAGER, "scheme": "gmts"}),
        "report_team": make_user(Role.REPORT_TEAM),
        "system_admin": make_user(Role.SYSTEM_ADMIN),
        # The coachee, nominee, trainee and booker whose records the others ask for.
        "owner": owner,
    }
    practitioner(users["coach"])
    practitioner(users["mentor"], coaches=False, mentors=True)
    session = SessionFactory(starts_at=timezone.now() + timedelta(days=3))
    AssessmentDimension.objects.create(programme=session.programme, name="Being")
    booking = Booking.objects.create(person=owner, session=session, status="confirmed",
                                     created_at=timezone.now(), confirmed_at=timezone.now())  # fmt: skip
    RegisterEntry.objects.create(booking=booking, session=session)
    cohort = CohortFactory()
    other_coach = practitioner(make_user())
    relationship = Relationship.objects.create(
        kind="coaching", practitioner=other_coach, client=owner, application=application(owner),
        status="active", started_on=date.today(),
    )  # fmt: skip
    qualification = other_coach.qualifications.create(
        body="EMCC", level="Senior", awarded_on=date(2020, 1, 1)
    )
    qualification.evidence.save("certificate.pdf", ContentFile(b"%PDF-1.4"))
    NominationWindow.objects.create(
        name="Open", opens_on=date.today(), closes_on=date.today() + timedelta(days=9)
    )
    nomination = nomination_submit(nominator=lead_a, nominee=owner, window=NominationWindow.objects.get(),
                                   route="nominated", today=date.today(), **NOMINATION)  # fmt: skip
    membership = MembershipFactory(member=make_user(profile__organisation=org_a))
    vacancy = Vacancy.objects.create(title="Chief Nurse", role_family="nursing", organisation=org_a,
                                     closes_on=date.today() + timedelta(days=9), posted_on=date.today())  # fmt: skip
    edp = SchemeCohort.objects.create(
        scheme="edp", name="E", starts_on=date(2026, 1, 1), ends_on=date(2027, 6, 1)
    )
    Trainee.objects.create(
        person=owner, intake=date(2025, 9, 1), specialism="finance", host_organisation=org_a
    )
    review = TalentReview.objects.create(name="R", organisation=org_a, held_on=date.today())
    SeniorPost.objects.create(organisation=org_a, post="finance", incumbent="X")
    year_review = reporting_services.review_ensure(
        year=2025, region=reporting_selectors.default_region()
    )
    pdf = ReportFile.objects.create(
        review=year_review, requested_at=timezone.now(), status="ready", pages=1
    )
    pdf.pdf.save("matrix.pdf", ContentFile(b"%PDF-1.4"))
    target = make_user()
    grant = RoleAssignment.objects.create(user=target, role=Role.REPORT_TEAM)
    args = {
        "programmes:book": ["session", session.pk],
        "programmes:booking_cancel": [booking.pk],
        "programmes:self_assessment": [booking.pk, "before"],
        "programmes:offer_accept": [booking.pk],
        "programmes:offer_decline": [booking.pk],
        "programmes:booking_calendar": [booking.pk],
        "programmes:evaluate": [booking.pk],
        "programmes:register": [session.pk],
        "programmes:register_export": [session.pk, "csv"],
        "programmes:session_cancel": [session.pk],
        "programmes:cohort_cancel": [cohort.pk],
        "programmes:waiting_list": ["session", session.pk],
        "programmes:programme_detail": [session.programme.slug],
        "programmes:programme_edit": [session.programme.slug],
        "programmes:session_new": [session.programme.slug],
        "programmes:session_edit": [session.pk],
        "talentpools:person_search": ["successor"],
        "coaching:apply": ["coaching"],
        "coaching:shortlist": [relationship.application_id],
        "coaching:relationship": [relationship.pk],
        "coaching:cohort_match": [999999],
        "coaching:import": ["coaching_people"],
        "coaching:evidence": [qualification.pk],
        "talentpools:nomination": [nomination.pk],
        "talentpools:window": [NominationWindow.objects.get().pk],
        "talentpools:membership": [membership.pk],
        "talentpools:vacancy": [vacancy.pk],
        "talentpools:cohort": [edp.pk],
        "talentpools:intake": [2025, 9],
        "talentpools:review": [review.pk],
        "talentpools:review_export": [review.pk],
        "talentpools:succession_organisation": [org_a.pk],
        "talentpools:import": ["pool_members"],
        "reporting:annual": [2025],
        "reporting:annual_data": [2025, "json"],
        "reporting:edit": [2025],
        "reporting:pdf": [2025],
        "reporting:file": [pdf.pk],
        "reporting:impact": [session.programme.pk],
        "reporting:impact_pdf": [session.programme.pk],
        "directory:person_data": [target.pk],
        "directory:person_roles": [target.pk],
        "directory:role_revoke": [target.pk, grant.pk],
    }
    return users, args


def portal_url_names():
    names = []

    def walk(patterns, namespace=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, p.namespace or namespace)
            elif namespace in ("programmes", "coaching", "talentpools", "reporting", "directory"):
                names.append(f"{namespace}:{p.name}")

    walk(get_resolver().url_patterns)
    return sorted(set(names))


# One column per role, in ROLES order:
#   anonymous participant coach mentor programme_admin lead_org_a lead_org_b lead_system
#   scheme_manager report_team system_admin owner
# ok 200 · no 403 (the role lacks the page) · nf 404 (not theirs, or not there) ·
# in redirected to sign in · go redirected onward (a page that forwards) · po 405 (POST only)
MATRIX = {
    "coaching:apply": "in ok ok ok ok ok ok ok ok ok ok ok",
    "coaching:cohort_match": "in no no no nf no no no no no nf no",
    "coaching:cohort_match_new": "in no no no ok no no no no no ok no",
    "coaching:evidence": "in nf nf nf ok nf nf nf nf nf ok nf",
    "coaching:home": "in ok ok ok ok ok ok ok ok ok ok ok",
    "coaching:import": "in no no no ok no no no no no ok no",
    "coaching:practitioner_profile": "in nf ok ok nf nf nf nf nf nf nf nf",
    "coaching:practitioner_register": "in ok go go ok ok ok ok ok ok ok ok",
    "coaching:relationship": "in nf nf nf nf nf nf nf nf nf nf ok",
    "coaching:shortlist": "in nf nf nf nf nf nf nf nf nf nf ok",
    "coaching:team": "in no no no ok no no no no no ok no",
    "coaching:team_practitioners": "in no no no ok no no no no no ok no",
    "coaching:team_relationships": "in no no no ok no no no no no ok no",
    "directory:dashboard": "ok ok ok ok ok ok ok ok ok ok ok ok",
    "directory:equality_edit": "in ok ok ok ok ok ok ok ok ok ok ok",
    "directory:erasure_list": "in no no no no no no no no no ok no",
    "directory:erasure_request": "in ok ok ok ok ok ok ok ok ok ok ok",
    "directory:health": "ok ok ok ok ok ok ok ok ok ok ok ok",
    "directory:help": "ok ok ok ok ok ok ok ok ok ok ok ok",
    "directory:accessibility": "ok ok ok ok ok ok ok ok ok ok ok ok",
    "directory:privacy": "ok ok ok ok ok ok ok ok ok ok ok ok",
    "directory:cookies": "ok ok ok ok ok ok ok ok ok ok ok ok",
    "directory:my_data": "in ok ok ok ok ok ok ok ok ok ok ok",
    "directory:organisation_import": "in no no no no no no no no no ok no",
    "directory:organisation_list": "in no no no ok ok ok ok ok ok ok no",
    "directory:person_data": "in no no no no no no no no no po no",
    "directory:person_list": "in no no no no ok ok ok no no ok no",
    "directory:person_roles": "in no no no no no no no no no ok no",
    "directory:profile": "in ok ok ok ok ok ok ok ok ok ok ok",
    "directory:profile_edit": "in ok ok ok ok ok ok ok ok ok ok ok",
    "directory:role_revoke": "in no no no no no no no no no po no",
    "directory:session_extend": "no po po po po po po po po po po po",
    "programmes:book": "in ok ok ok ok ok ok ok ok ok ok ok",
    "programmes:booking_calendar": "in nf nf nf nf nf nf nf nf nf nf ok",
    "programmes:booking_cancel": "in nf nf nf nf nf nf nf nf nf nf ok",
    "programmes:catalogue": "in ok ok ok ok ok ok ok ok ok ok ok",
    "programmes:cohort_cancel": "in no no no ok no no no no no ok no",
    "programmes:evaluate": "in nf nf nf nf nf nf nf nf nf nf nf",
    "programmes:evaluation_list": "in no no no ok no no no no no ok no",
    "programmes:import": "in no no no ok no no no no no ok no",
    "programmes:my_bookings": "in ok ok ok ok ok ok ok ok ok ok ok",
    "programmes:offer_accept": "in po po po po po po po po po po po",
    "programmes:offer_decline": "in nf nf nf nf nf nf nf nf nf nf go",
    "programmes:programme_detail": "in ok ok ok ok ok ok ok ok ok ok ok",
    "programmes:programme_edit": "in no no no ok no no no no no ok no",
    "programmes:programme_new": "in no no no ok no no no no no ok no",
    "programmes:session_edit": "in no no no ok no no no no no ok no",
    "programmes:session_new": "in no no no ok no no no no no ok no",
    "programmes:register": "in nf nf nf ok nf nf nf nf nf ok nf",
    "programmes:register_export": "in nf nf nf ok nf nf nf nf nf ok nf",
    "programmes:registers": "in ok ok ok ok ok ok ok ok ok ok ok",
    "programmes:self_assessment": "in nf nf nf nf nf nf nf nf nf nf ok",
    "programmes:session_cancel": "in no no no ok no no no no no ok no",
    "programmes:waiting_list": "in no no no ok no no no no no ok no",
    "reporting:annual": "in no no no ok no no no no ok ok no",
    "reporting:annual_data": "in no no no ok no no no no ok ok no",
    "reporting:edit": "in no no no ok no no no no ok ok no",
    "reporting:file": "in no no no ok no no no no ok ok no",
    "reporting:impact": "in no no no ok no no no no ok ok no",
    "reporting:impact_pdf": "in no no no ok no no no no ok ok no",
    "reporting:index": "in no no no go no no no no go go no",
    "reporting:pdf": "in no no no ok no no no no ok ok no",
    "talentpools:cohort": "in no no no ok no no no nf no ok no",
    "talentpools:home": "in ok ok ok ok ok ok ok ok ok ok ok",
    "talentpools:import": "in no no no ok no no no no no ok no",
    "talentpools:intake": "in no no no ok no no no ok no ok no",
    "talentpools:membership": "in no no no ok no no no no no ok no",
    "talentpools:nominate": "in no no no no ok ok ok no no no no",
    "talentpools:person_search": "no no no no ok ok ok ok no no ok no",
    "talentpools:nominate_self": "in ok ok ok ok ok ok ok ok ok ok ok",
    "talentpools:nomination": "in nf nf nf ok ok nf ok nf nf ok ok",
    "talentpools:nominations": "in no no no ok ok ok ok no no ok no",
    "talentpools:pool": "in no no no ok no no no no no ok no",
    "talentpools:review": "in no no no ok ok nf ok no no ok no",
    "talentpools:review_export": "in no no no ok ok nf ok no no ok no",
    "talentpools:reviews": "in no no no ok ok ok ok no no ok no",
    "talentpools:schemes": "in no no no ok no no no ok no ok no",
    "talentpools:succession": "in no no no ok ok ok ok no no ok no",
    "talentpools:succession_organisation": "in no no no ok ok nf ok no no ok no",
    "talentpools:vacancies": "in no no no ok no no no no no ok no",
    "talentpools:vacancy": "in nf nf nf ok nf nf nf nf nf ok nf",
    "talentpools:window": "in no no no ok no no no no no ok no",
    "talentpools:windows": "in no no no ok no no no no no ok no",
}
CODES = {"ok": 200, "no": 403, "nf": 404, "po": 405}


def test_every_portal_url_is_in_the_matrix():
    assert sorted(MATRIX) == portal_url_names()


@pytest.mark.parametrize("role", ROLES)
def test_role_url_matrix(client, make_user, role):
    users, args = build_world(make_user)
    if role != "anonymous":
        client.force_login(users[role])
    column = ROLES.index(role)
    wrong = []
    for name, row in MATRIX.items():
        expected = row.split()[column]
        response = client.get(reverse(name, args=args.get(name, [])))
        if expected == "in":
            ok = response.status_code == 302 and response.url.startswith(reverse("account_login"))
        elif expected == "go":
            ok = response.status_code == 302 and not response.url.startswith(
                reverse("account_login")
            )
        else:
            ok = response.status_code == CODES[expected]
        if not ok:
            wrong.append(f"{name}: expected {expected}, got {response.status_code}")
    assert not wrong, "\n".join(wrong)
