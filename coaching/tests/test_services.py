from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from coaching import services
from coaching.models import ApprovalStatus, Relationship, Theme
from coaching.tests.factories import TODAY, application, practitioner
from talentportal.core.errors import ApplicationError
from talentportal.directory.models import Role
from talentportal.directory.permissions import roles_of
from talentportal.directory.tests.factories import OrganisationFactory

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def _pair(make_user, **kwargs):
    coach = practitioner(make_user(profile__organisation=OrganisationFactory()), **kwargs)
    app = application(make_user(profile__organisation=OrganisationFactory()))
    return coach, app


def test_registration_and_approval_record_the_date_and_grant_the_roles(make_user):
    user = make_user(profile__band="8a")
    p = services.practitioner_register(
        user=user, coaches=True, mentors=True, themes=Theme.objects.all()[:2], sectors=[],
        modes=["video"], languages=["English"], capacity=3, experience="", biography="",
        today=TODAY,
    )  # fmt: skip
    assert p.status == ApprovalStatus.SUBMITTED
    services.practitioner_decide(
        practitioner=p, approve=True, today=TODAY, by=make_user(Role.PROGRAMME_ADMIN)
    )
    p.refresh_from_db()
    assert (p.status, p.approved_on) == (ApprovalStatus.APPROVED, TODAY)
    assert roles_of(user) == {Role.COACH, Role.MENTOR}


def test_mentors_must_meet_the_configured_band(make_user, settings):
    settings.COACHING_MIN_PRACTITIONER_BAND = {"coaching": "", "mentoring": "7"}
    with pytest.raises(ApplicationError, match="Mentors are from band 7; your profile says band 5"):
        services.practitioner_register(
            user=make_user(profile__band="5"), coaches=False, mentors=True, themes=[], sectors=[],
            modes=["video"], languages=[], capacity=1, experience="", biography="", today=TODAY,
        )  # fmt: skip


def test_clients_must_meet_the_band_and_have_their_managers_agreement(make_user, settings):
    settings.COACHING_MIN_CLIENT_BAND = {"coaching": "4", "mentoring": "4"}
    kwargs = {"kind": "coaching", "goals": "Grow", "themes": [], "mode": "video",
              "language": "", "prefers_other_system": False, "today": TODAY}  # fmt: skip
    with pytest.raises(ApplicationError, match="from band 4; your profile says band 3"):
        services.application_submit(
            client=make_user(profile__band="3"), line_manager_agrees=True, **kwargs
        )
    with pytest.raises(ApplicationError, match="line manager"):
        services.application_submit(client=make_user(), line_manager_agrees=False, **kwargs)
    person = make_user(profile__band="4")
    app = services.application_submit(client=person, line_manager_agrees=True, **kwargs)
    with pytest.raises(ApplicationError, match="waiting for approval"):
        services.application_submit(client=person, line_manager_agrees=True, **kwargs)
    services.application_decide(
        application=app, approve=True, today=TODAY, by=make_user(Role.PROGRAMME_ADMIN)
    )
    app.refresh_from_db()
    assert app.approved_on == TODAY


def test_request_accept_log_confirm_and_complete(make_user, django_capture_on_commit_callbacks):
    coach, app = _pair(make_user)
    with django_capture_on_commit_callbacks(execute=True):
        rel = services.relationship_request(application=app, practitioner=coach, today=TODAY)
    assert rel.respond_by == TODAY + timedelta(days=7)
    assert mail.outbox[-1].to == [coach.user.email]
    with pytest.raises(ApplicationError):
        services.relationship_respond(relationship=rel, by=app.client, accept=True, today=TODAY)
    services.relationship_respond(relationship=rel, by=coach.user, accept=True, today=TODAY)
    rel.refresh_from_db()
    assert (rel.status, rel.started_on) == (Relationship.Status.ACTIVE, TODAY)
    s = services.session_log(relationship=rel, by=coach.user, held_on=TODAY, hours=Decimal("1.25"),
                             mode="video", today=TODAY)  # fmt: skip
    with pytest.raises(Exception, match="quarter-hour"):
        services.session_log(relationship=rel, by=coach.user, held_on=TODAY, hours=Decimal("1.1"),
                             mode="video", today=TODAY)  # fmt: skip
    with pytest.raises(ApplicationError, match="logged by the practitioner"):
        services.session_log(relationship=rel, by=app.client, held_on=TODAY, hours=Decimal("1"),
                             mode="video", today=TODAY)  # fmt: skip
    services.session_confirm(session=s, by=app.client)
    s.refresh_from_db()
    assert s.confirmed_by_client
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.relationship_end(relationship=rel, by=app.client, completed=True, today=TODAY)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([app.client.email, coach.user.email])
    services.evaluation_submit(relationship=rel, author=app.client, rating=5, comments="", now=NOW)
    with pytest.raises(ApplicationError, match="already sent"):
        services.evaluation_submit(
            relationship=rel, author=app.client, rating=4, comments="", now=NOW
        )


def test_a_decline_lets_the_client_choose_again_but_not_the_same_practitioner(make_user):
    from coaching.matching import shortlist

    coach, app = _pair(make_user)
    other = practitioner(make_user(profile__organisation=OrganisationFactory()))
    rel = services.relationship_request(application=app, practitioner=coach, today=TODAY)
    services.relationship_respond(relationship=rel, by=coach.user, accept=False, today=TODAY)
    assert [c.practitioner for c in shortlist(application=app, today=TODAY)] == [other]
    services.relationship_request(application=app, practitioner=other, today=TODAY)


def test_an_unanswered_request_times_out(make_user):
    coach, app = _pair(make_user)
    rel = services.relationship_request(application=app, practitioner=coach, today=TODAY)
    assert services.requests_expire(today=TODAY + timedelta(days=7)) == 0
    assert services.requests_expire(today=TODAY + timedelta(days=8)) == 1
    rel.refresh_from_db()
    assert (rel.status, rel.decline_reason) == (Relationship.Status.DECLINED, "No answer in time")


def test_nobody_requests_a_practitioner_outside_their_shortlist(make_user):
    home = OrganisationFactory()
    colleague = practitioner(make_user(profile__organisation=home))
    app = application(make_user(profile__organisation=home))
    with pytest.raises(ApplicationError, match="no longer available to you"):
        services.relationship_request(application=app, practitioner=colleague, today=TODAY)


def test_messages_notify_without_their_content(make_user, django_capture_on_commit_callbacks):
    coach, app = _pair(make_user)
    rel = services.relationship_request(application=app, practitioner=coach, today=TODAY)
    services.relationship_respond(relationship=rel, by=coach.user, accept=True, today=TODAY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(
            relationship=rel, sender=app.client, body="I am struggling with my manager", now=NOW
        )
    [message] = mail.outbox
    assert message.to == [coach.user.email]
    assert "struggling" not in message.body and "manager" not in message.body
    with pytest.raises(ApplicationError):
        services.message_send(relationship=rel, sender=make_user(), body="hello", now=NOW)


def test_quiet_relationships_are_reminded_then_closed(make_user, settings):
    settings.COACHING_INACTIVE_REMINDER_DAYS, settings.COACHING_INACTIVE_CLOSE_DAYS = 60, 120
    coach, app = _pair(make_user)
    rel = services.relationship_request(application=app, practitioner=coach, today=TODAY)
    services.relationship_respond(relationship=rel, by=coach.user, accept=True, today=TODAY)
    assert services.relationships_inactivity(today=TODAY + timedelta(days=30)) == (0, 0)
    assert services.relationships_inactivity(today=TODAY + timedelta(days=61)) == (1, 0)
    assert services.relationships_inactivity(today=TODAY + timedelta(days=62)) == (0, 0)
    assert services.relationships_inactivity(today=TODAY + timedelta(days=121)) == (0, 1)
    rel.refresh_from_db()
    # Silence is not completion: closed as withdrawn, dated at the last activity.
    assert (rel.status, rel.ended_on) == (Relationship.Status.WITHDRAWN, TODAY)


def test_supervision_reminder_comes_thirty_days_before_it_lapses(make_user):
    p = practitioner(
        make_user(), supervised_on=TODAY.replace(year=TODAY.year - 1) + timedelta(days=20)
    )
    assert services.supervision_reminders(today=TODAY - timedelta(days=15)) == 0
    assert services.supervision_reminders(today=TODAY) == 1
    assert services.supervision_reminders(today=TODAY + timedelta(days=1)) == 0
    p.refresh_from_db()
    assert p.supervision_reminded_on == TODAY


def test_a_cohort_match_is_reviewed_then_published_as_requests(make_user):
    admin = make_user(Role.PROGRAMME_ADMIN)
    coaches = [
        practitioner(make_user(profile__organisation=OrganisationFactory())) for _ in range(2)
    ]
    apps = [application(make_user(profile__organisation=OrganisationFactory())) for _ in range(3)]
    match = services.cohort_match_create(
        name="EDP cohort 4", kind="coaching", applications=apps, by=admin, now=NOW
    )
    assert sum(p.practitioner is not None for p in match.pairs.all()) == 3  # 2 coaches × 2 places
    assert not Relationship.objects.exists()  # nothing happens until it is published
    assert services.cohort_match_publish(match=match, now=NOW, by=admin) == (3, [])
    assert Relationship.objects.filter(status="requested").count() == 3
    assert {r.practitioner for r in Relationship.objects.all()} == set(coaches)
    with pytest.raises(ApplicationError):
        services.cohort_match_publish(match=match, now=NOW, by=admin)


def test_publishing_skips_a_client_who_found_someone_meanwhile(make_user):
    admin = make_user(Role.PROGRAMME_ADMIN)
    coaches = [
        practitioner(make_user(profile__organisation=OrganisationFactory())) for _ in range(2)
    ]
    apps = [application(make_user(profile__organisation=OrganisationFactory())) for _ in range(2)]
    match = services.cohort_match_create(
        name="HPS", kind="coaching", applications=apps, by=admin, now=NOW
    )
    services.relationship_request(application=apps[0], practitioner=coaches[0], today=TODAY)
    count, skipped = services.cohort_match_publish(match=match, now=NOW, by=admin)
    assert count == 1
    assert skipped == [f"{apps[0].client}: already has coaching under way"]


def test_the_practitioner_declines_a_request_rather_than_withdrawing_it(make_user):
    coach, app = _pair(make_user)
    rel = services.relationship_request(application=app, practitioner=coach, today=TODAY)
    with pytest.raises(ApplicationError, match="Accept or decline"):
        services.relationship_end(relationship=rel, by=coach.user, completed=False, today=TODAY)
    with pytest.raises(ApplicationError, match="time to answer"):
        services.relationship_respond(
            relationship=rel, by=coach.user, accept=True, today=TODAY + timedelta(days=8)
        )
    services.relationship_end(relationship=rel, by=app.client, completed=False, today=TODAY)
    with pytest.raises(ApplicationError, match="once the relationship has ended"):
        services.evaluation_submit(
            relationship=rel, author=app.client, rating=3, comments="", now=NOW
        )
    with pytest.raises(ApplicationError, match="while the relationship is active"):
        services.message_send(relationship=rel, sender=coach.user, body="Hello?", now=NOW)


def test_people_without_an_organisation_are_never_matched(make_user):
    from coaching.matching import shortlist
    from talentportal.directory.models import Profile

    coach = practitioner(make_user(profile__organisation=OrganisationFactory()))
    app = application(make_user(profile__organisation=OrganisationFactory()))
    Profile.objects.filter(user=coach.user).update(organisation=None)
    assert shortlist(application=app, today=TODAY) == []


def test_evidence_is_checked_by_its_content_in_the_service_whichever_way_it_comes(make_user):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from pypdf import PdfWriter

    coach = practitioner(make_user())
    add = {"practitioner": coach, "body": "EMCC", "level": "Senior", "awarded_on": TODAY}
    page = SimpleUploadedFile("certificate.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ApplicationError, match="The file is not a PDF that can be opened"):
        services.qualification_add(**add, evidence=page)
    assert not coach.qualifications.exists()
    pdf = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(pdf)
    q = services.qualification_add(
        **add, evidence=SimpleUploadedFile("certificate.pdf", pdf.getvalue())
    )
    try:
        assert q.evidence.read() == pdf.getvalue()
    finally:
        q.evidence.close()
        q.evidence.delete()


def test_a_session_may_be_dated_back_to_the_request_and_a_second_one_that_day_is_confirmed(
    make_user,
):
    """A first conversation often comes before the practitioner accepts in the portal; two
    sessions on one day are more often a double entry than two meetings."""
    coach, app = _pair(make_user)
    requested = TODAY - timedelta(days=5)
    rel = services.relationship_request(application=app, practitioner=coach, today=requested)
    services.relationship_respond(relationship=rel, by=coach.user, accept=True, today=TODAY)
    log = {"relationship": rel, "by": coach.user, "hours": Decimal(1), "mode": "video",
           "today": TODAY}  # fmt: skip
    with pytest.raises(ApplicationError, match="before .* asked for this coaching on"):
        services.session_log(held_on=requested - timedelta(days=1), **log)
    services.session_log(held_on=requested, **log)
    with pytest.raises(services.SameDaySession, match="already logged"):
        services.session_log(held_on=requested, **log)
    services.session_log(held_on=requested, second_on_the_day=True, **log)
    assert rel.sessions.filter(held_on=requested).count() == 2


def test_the_team_adjusts_a_draft_match_within_places_and_says_who_chose(make_user):
    admin = make_user(Role.PROGRAMME_ADMIN, first_name="Tess", last_name="Team")
    coaches = [
        practitioner(make_user(profile__organisation=OrganisationFactory())) for _ in range(2)
    ]
    apps = [application(make_user(profile__organisation=OrganisationFactory())) for _ in range(3)]
    match = services.cohort_match_create(
        name="EDP cohort 5", kind="coaching", applications=apps, by=admin, now=NOW
    )
    pairs = list(match.pairs.order_by("pk"))
    # Two of the three share a coach (2 places each); find a pair of different coaches.
    a, b = next((x, y) for x in pairs for y in pairs if x.practitioner_id != y.practitioner_id)
    was_a, was_b = a.practitioner_id, b.practitioner_id
    services.cohort_match_adjust(pair=a, swap_with=b, by=admin, now=NOW)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.practitioner_id, b.practitioner_id) == (was_b, was_a)
    assert a.reasons.endswith("chosen by Tess Team")
    # A coach with both places used in this match cannot be given a third client.
    full = next(c for c in coaches if match.pairs.filter(practitioner=c).count() == 2)
    third = match.pairs.exclude(practitioner=full).get()
    with pytest.raises(ApplicationError, match="has 2 places free in this match"):
        services.cohort_match_adjust(pair=third, practitioner=full, by=admin, now=NOW)
    services.cohort_match_adjust(pair=third, practitioner=None, by=admin, now=NOW)
    third.refresh_from_db()
    assert third.practitioner is None and "left out by Tess Team" in third.reasons
    match.refresh_from_db()
    assert match.total_score == sum(p.score for p in match.pairs.all())
    services.cohort_match_publish(match=match, now=NOW, by=admin)
    with pytest.raises(ApplicationError, match="already been published"):
        services.cohort_match_adjust(pair=a, practitioner=None, by=admin, now=NOW)
