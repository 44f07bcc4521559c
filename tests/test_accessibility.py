"""axe-core checks every role's main pages: no serious or critical WCAG 2.2 A/AA violations.

axe comes from the npm registry (`package.json`). It is added to each browser context as an
init script, which the portal's Content Security Policy does not govern, so the pages are
checked exactly as people get them: CSP in force, no inline script let through for the test.
"""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from programmes.services import booking_create
from programmes.tests.factories import ProgrammeFactory, SessionFactory
from talentpools.models import Nomination, Post, SeniorPost, Successor, Trainee
from talentpools.tests.factories import NOMINATION, MembershipFactory, WindowFactory
from talentportal.directory.models import IntegratedCareSystem, Role
from talentportal.directory.permissions import requires_mfa
from talentportal.directory.tests.factories import OrganisationFactory, UserFactory
from tests.conftest import browser_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
# Only violations are reported in full; passes and the rest are cut short, which halves the time.
AXE_RUN = (
    "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
)

EVERYONE = ["/", "/profile/", "/programmes/", "/programmes/my-bookings/", "/coaching/", "/talent/"]
TALENT = ["/talent/nominations/", "/talent/nominations/{nomination}/", "/talent/reviews/",
          "/talent/succession/"]  # fmt: skip
# role -> (grants, the role's own pages besides everyone's). A (path, button) pair submits
# that page's form empty, to check the error summary and the fields' error messages too.
ROLES = {
    "participant": ((), ["/programmes/{programme}/", "/profile/edit/", "/talent/nominations/self/"]),
    "coach": ((Role.COACH,), []),
    "programme_admin": (
        (Role.PROGRAMME_ADMIN,),
        ["/programmes/registers/", "/programmes/evaluations/", "/programmes/new-programme/",
         "/programmes/{programme}/edit/", "/organisations/", *TALENT,
         "/talent/pool/", "/talent/pool/{membership}/", "/talent/windows/", "/talent/vacancies/",
         "/coaching/team/", "/coaching/team/relationships/", "/coaching/team/practitioners/"],
    ),
    "talent_lead_org": (
        ("org_lead",),
        ["/people/", "/organisations/", *TALENT, "/talent/succession/{org}/",
         ("/talent/nominations/new/", "Continue")],
    ),
    "scheme_manager": (
        ({"role": Role.SCHEME_MANAGER, "scheme": "gmts"},),
        ["/organisations/", "/talent/schemes/"],
    ),
    "report_team": ((Role.REPORT_TEAM,), ["/organisations/", "/reporting/annual/2025/"]),
    "system_admin": (
        (Role.SYSTEM_ADMIN,),
        ["/programmes/registers/", "/people/", "/organisations/", "/talent/nominations/",
         "/talent/reviews/", "/talent/succession/", "/talent/pool/", "/talent/schemes/",
         "/reporting/annual/2025/"],
    ),
}  # fmt: skip


def some_data():
    """A little of everything, so pages show tables, tags and forms rather than empty states."""
    today = timezone.localdate()
    system = IntegratedCareSystem.objects.get(name="Black Country")
    org = OrganisationFactory(name="Walsall Healthcare NHS Trust", system=system)
    session = SessionFactory(programme=ProgrammeFactory(title="Board Ready Leadership"))
    window = WindowFactory(opens_on=today - timedelta(days=1))
    for _ in range(2):
        nominee = UserFactory(profile__organisation=org)
        nomination = Nomination.objects.create(
            window=window, nominee=nominee, route="self", nominated_by=nominee,
            organisation=org, system=system, submitted_on=today, **NOMINATION,
        )  # fmt: skip
    membership = MembershipFactory(member=UserFactory(profile__organisation=org))
    # One senior post of each succession rating: red (vacant), amber and green.
    SeniorPost.objects.create(organisation=org, post=Post.CHIEF_EXECUTIVE)
    amber = SeniorPost.objects.create(
        organisation=org, post=Post.NURSING, incumbent="Pat Nurse", incumbent_likely_to_leave=True
    )
    green = SeniorPost.objects.create(organisation=org, post=Post.FINANCE, incumbent="Fin Lee")
    for post in (amber, green):
        Successor.objects.create(post=post, person=UserFactory(), readiness="ready_now")
    Trainee.objects.create(
        person=UserFactory(), intake=date(2025, 9, 1), specialism="finance", host_organisation=org
    )
    return {
        "org": org,
        "session": session,
        "fill": {
            "org": org.pk,
            "programme": session.programme.slug,
            "nomination": nomination.pk,
            "membership": membership.pk,
        },
    }


@pytest.fixture
def page(browser, live_server, request):
    """As `tests/conftest.py`'s page (one browser context, one person), with axe loaded into
    every document it opens."""
    with browser_page(browser, live_server, request, init_script=AXE) as page:
        yield page


def axe_problems(page):
    """Run axe on the page; the serious and critical violations as readable lines."""
    results = page.evaluate(AXE_RUN, AXE_TAGS)
    return [
        f"{v['id']} ({v['impact']}) on {page.url}: {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        + (f" and {len(v['nodes']) - 3} more" if len(v["nodes"]) > 3 else "")
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


def check(page, paths, fill=None):
    problems = []
    for path in paths:
        path, button = path if isinstance(path, tuple) else (path, None)
        response = page.goto(path.format(**(fill or {})))
        assert response.ok, f"{page.url} answered {response.status}"
        if button:
            page.get_by_role("button", name=button).click()
            page.get_by_text("There is a problem").wait_for()
        problems += axe_problems(page)
    return problems


def test_anonymous_pages_have_no_serious_violations(page):
    problems = check(page, ["/", "/accounts/signup/", "/accounts/login/"])
    assert not problems, "\n".join(problems)
    # The check itself works: an image without alternative text is caught.
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    [problem] = axe_problems(page)
    assert problem.startswith("image-alt (critical) on ") and "/accounts/login/: " in problem


@pytest.mark.parametrize("role", list(ROLES))
def test_each_roles_main_pages_have_no_serious_violations(role, page, make_user):
    data = some_data()
    names, own = ROLES[role]
    grants = [
        {"role": Role.TALENT_LEAD, "organisation": data["org"]} if g == "org_lead" else g
        for g in names
    ]
    user = make_user(*grants, first_name="Alex", profile__organisation=data["org"])
    if role == "participant":
        booking_create(person=user, target=data["session"], now=timezone.now())
    sign_in(page, user.email, totp=requires_mfa(user))
    page.get_by_role("heading", name="Hello Alex").wait_for()
    problems = check(page, [*EVERYONE, *own], data["fill"])
    assert not problems, "\n".join(problems)
