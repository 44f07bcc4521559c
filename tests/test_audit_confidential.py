"""The audit trail says who changed a coaching relationship's goals or decline reason, and
when, but never holds the words: only the pair ever sees them."""

import importlib
import re

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from coaching.models import Relationship
from coaching.tests.factories import application, practitioner
from talentportal.directory.models import Role
from talentportal.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

FIRST_GOALS = "Rebuild confidence after my divorce"
DECLINE = "I used to line-manage her husband"
AGREED = "Prepare for the chief nurse interview panel"
WORDS = ("divorce", "husband", "chief nurse", "confidence", "line-manage")


def _event_tables() -> list[str]:
    return [
        m._meta.db_table
        for m in apps.get_models()
        if hasattr(m, "pgh_tracked_model") and not m._meta.proxy
    ]


def _everything_the_trail_holds() -> str:
    """Every event row of every tracked model, and every context, as raw text."""
    text = []
    with connection.cursor() as cursor:
        for table in [*_event_tables(), "pghistory_context"]:
            cursor.execute(f'SELECT row_to_json(t)::text FROM "{table}" t')  # noqa: S608
            text.extend(row[0] for row in cursor.fetchall())
    return "\n".join(text)


@pytest.fixture
def story(client, make_user):
    """Through the pages: the client asks a coach, who declines with a reason; asks another,
    who accepts; the pair agree goals, then change them."""
    today = timezone.localdate()
    first = practitioner(
        make_user(profile__organisation=OrganisationFactory()), supervised_on=today
    )
    second = practitioner(
        make_user(profile__organisation=OrganisationFactory()), supervised_on=today
    )
    person = make_user(profile__organisation=OrganisationFactory())
    app = application(person)
    app.goals = FIRST_GOALS  # as the client wrote them when applying
    app.save()
    shortlist = reverse("coaching:shortlist", args=[app.pk])

    client.force_login(person)
    assert client.post(shortlist, {"practitioner": first.pk}).status_code == 302
    declined = Relationship.objects.get(practitioner=first)
    assert declined.goals == FIRST_GOALS
    client.force_login(first.user)
    page = reverse("coaching:relationship", args=[declined.pk])
    client.post(page, {"action": "decline", "reason": DECLINE})
    declined.refresh_from_db()
    assert (declined.status, declined.decline_reason) == ("declined", DECLINE)

    client.force_login(person)
    assert client.post(shortlist, {"practitioner": second.pk}).status_code == 302
    active = Relationship.objects.get(practitioner=second)
    page = reverse("coaching:relationship", args=[active.pk])
    client.force_login(second.user)
    client.post(page, {"action": "accept"})
    client.force_login(person)
    contract = {"action": "contract", "contract-agreed_sessions": "6"}
    client.post(page, {**contract, "contract-goals": AGREED})
    client.post(page, {**contract, "contract-goals": AGREED + ", and the board"})
    active.refresh_from_db()
    assert active.goals == AGREED + ", and the board"
    return {"person": person, "first": first, "second": second, "declined": declined,
            "active": active}  # fmt: skip


def test_the_trail_holds_none_of_the_words(story):
    trail = _everything_the_trail_holds()
    assert trail  # the trail is there ...
    for word in WORDS:
        assert word not in trail.lower()  # ... but not what the pair wrote


def test_the_trail_still_says_who_changed_the_goals_and_the_reason_and_when(
    client, make_user, story
):
    events = Relationship.pgh_event_model.objects.order_by("pgh_id")
    declined = [(e.goals, e.decline_reason) for e in events.filter(pgh_obj=story["declined"])]
    assert declined == [("withheld (version 1)", ""),
                        ("withheld (version 1)", "withheld (version 1)")]  # fmt: skip
    active = [e.goals for e in events.filter(pgh_obj=story["active"])]
    # Asked (with the application's goals), accepted, agreed, changed: each change a version.
    assert active == ["withheld (version 1)", "withheld (version 1)",
                      "withheld (version 2)", "withheld (version 3)"]  # fmt: skip

    client.force_login(make_user(Role.SYSTEM_ADMIN))
    page = client.get("/admin/pghistory/events/")
    assert page.status_code == 200
    html = page.content.decode()
    rows = re.findall(r"<tr>.*?</tr>", html, flags=re.S)

    def row_with(*needles):
        found = [r for r in rows if all(n in r for n in needles)]
        assert found, f"no event row shows {needles}"
        return found[0]

    # The decline: the reason changed, by the practitioner who declined.
    reason = row_with("decline_reason", "withheld (version 1)")
    assert f"&quot;user&quot;: {story['first'].user.pk}" in reason
    # The second change of the agreed goals, by the client.
    goals = row_with("goals", "withheld (version 2)", "withheld (version 3)")
    assert f"&quot;user&quot;: {story['person'].pk}" in goals
    for word in WORDS:
        assert word not in html.lower()


def test_a_deleted_relationship_keeps_its_last_markers(story):
    pk = story["declined"].pk
    story["declined"].delete()  # an administrator's last resort
    last = Relationship.pgh_event_model.objects.filter(pgh_obj_id=pk).latest("pgh_id")
    assert (last.pgh_label, last.goals, last.decline_reason) == (
        "delete", "withheld (version 1)", "withheld (version 1)"
    )  # fmt: skip


def test_the_migration_scrubs_the_words_events_already_hold(story):
    """Events written before the trigger withheld anything: the migration's statement turns
    the words into the markers the trigger now writes, change by change."""
    scrub = importlib.import_module("coaching.migrations.0006_audit_withholds_goals").SCRUB
    events = Relationship.pgh_event_model.objects.filter(pgh_obj=story["active"]).order_by("pgh_id")
    ids = list(events.values_list("pgh_id", flat=True))
    old = [FIRST_GOALS, FIRST_GOALS, AGREED, ""]  # as the old trigger wrote them
    for pk, goals in zip(ids, old, strict=True):
        Relationship.pgh_event_model.objects.filter(pgh_id=pk).update(goals=goals)
    Relationship.pgh_event_model.objects.filter(pgh_obj=story["declined"]).update(
        decline_reason=DECLINE
    )
    with connection.cursor() as cursor:
        cursor.execute(scrub.format(column="goals"))
        cursor.execute(scrub.format(column="decline_reason"))
    assert list(events.values_list("goals", flat=True)) == [
        "withheld (version 1)", "withheld (version 1)", "withheld (version 2)", ""
    ]  # fmt: skip
    reasons = Relationship.pgh_event_model.objects.filter(pgh_obj=story["declined"])
    assert set(reasons.values_list("decline_reason", flat=True)) == {"withheld (version 1)"}
    for word in WORDS:
        assert word not in _everything_the_trail_holds().lower()
