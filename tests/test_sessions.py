"""How long a session lasts: staff (roles that see talent or equality data) are signed out after
30 minutes idle and 12 hours in all; participants keep Django's two weeks; activity is written
to the session at most once a minute; "Stay signed in" extends it."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from talentportal.directory.models import Role
from talentportal.directory.sessions import LAST_ACTIVE_AT, SIGNED_IN_AT

PAGE = "directory:profile"


def _signed_in(client, user):
    client.force_login(user)
    assert client.get(reverse(PAGE)).status_code == 200  # the first request starts the clocks
    return client


def _set_clocks(client, *, signed_in_ago, idle_for):
    now = time.time()
    session = client.session
    session[SIGNED_IN_AT] = now - signed_in_ago
    session[LAST_ACTIVE_AT] = now - idle_for
    session.save()


@pytest.mark.parametrize(
    ("grants", "signed_out"),
    [
        ((Role.SYSTEM_ADMIN,), True),
        ((Role.REPORT_TEAM,), True),
        ((), False),
        ((Role.COACH,), False),
    ],
    ids=["administrator", "report team", "participant", "coach"],
)
def test_staff_idle_for_more_than_30_minutes_are_signed_out_and_participants_are_not(
    client, make_user, grants, signed_out
):
    _signed_in(client, make_user(*grants))
    _set_clocks(client, signed_in_ago=31 * 60, idle_for=29 * 60)
    assert client.get(reverse(PAGE)).status_code == 200

    _set_clocks(client, signed_in_ago=31 * 60, idle_for=30 * 60 + 5)
    response = client.get(reverse(PAGE))
    if signed_out:
        assert response.status_code == 302
        assert response.url == f"{reverse('account_login')}?next={reverse(PAGE)}"
        assert "_auth_user_id" not in client.session
        page = client.get(response.url).content.decode()
        assert "You were signed out because you had not used the portal for 30 minutes." in page
    else:
        assert response.status_code == 200
        assert "_auth_user_id" in client.session


def test_staff_are_signed_out_12_hours_after_signing_in_however_busy(client, make_user):
    _signed_in(client, make_user(Role.PROGRAMME_ADMIN))
    _set_clocks(client, signed_in_ago=12 * 3600 - 60, idle_for=10)
    assert client.get(reverse(PAGE)).status_code == 200
    _set_clocks(client, signed_in_ago=12 * 3600 + 1, idle_for=10)
    response = client.get(reverse(PAGE))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    page = client.get(response.url).content.decode()
    assert "You were signed out because you had been signed in for 12 hours." in page


def test_the_limits_come_from_settings(client, make_user, settings):
    settings.SESSION_STAFF_IDLE_SECONDS = 5 * 60
    _signed_in(client, make_user(Role.SYSTEM_ADMIN))
    _set_clocks(client, signed_in_ago=6 * 60, idle_for=5 * 60 + 1)
    assert client.get(reverse(PAGE)).status_code == 302


def test_activity_is_written_to_the_session_at_most_once_a_minute(client, make_user):
    _signed_in(client, make_user(Role.SYSTEM_ADMIN))
    _set_clocks(client, signed_in_ago=100, idle_for=30)
    key = client.session.session_key
    before = Session.objects.get(pk=key).session_data
    client.get(reverse(PAGE))
    client.get(reverse("directory:dashboard"))
    assert Session.objects.get(pk=key).session_data == before  # no write within the minute

    _set_clocks(client, signed_in_ago=100, idle_for=61)
    client.get(reverse(PAGE))
    assert time.time() - client.session[LAST_ACTIVE_AT] < 5


def test_a_staff_page_says_when_the_session_ends_and_a_participant_page_does_not(client, make_user):
    _signed_in(client, make_user(Role.SYSTEM_ADMIN))
    _set_clocks(client, signed_in_ago=100, idle_for=50)
    page = client.get(reverse(PAGE)).content.decode()
    assert 'id="session-timeout"' in page
    assert 'data-expires-in="1750"' in page  # 30 minutes less the 50 seconds idle
    assert 'data-warn-before="120"' in page
    client.logout()
    _signed_in(client, make_user())
    assert 'id="session-timeout"' not in client.get(reverse(PAGE)).content.decode()


def test_stay_signed_in_extends_the_idle_time_but_not_the_12_hours(client, make_user):
    _signed_in(client, make_user(Role.SYSTEM_ADMIN))
    _set_clocks(client, signed_in_ago=3600, idle_for=30)  # within the minute: still counted
    response = client.post(reverse("directory:session_extend"))
    assert response.json() == {"expires_in": 30 * 60}
    assert time.time() - client.session[LAST_ACTIVE_AT] < 5

    _set_clocks(client, signed_in_ago=12 * 3600 - 100, idle_for=10)
    assert client.post(reverse("directory:session_extend")).json() == {"expires_in": 100}


def test_stay_signed_in_cannot_revive_an_ended_session(client, make_user):
    _signed_in(client, make_user(Role.SYSTEM_ADMIN))
    _set_clocks(client, signed_in_ago=3600, idle_for=31 * 60)
    assert client.post(reverse("directory:session_extend")).status_code == 403
    assert "_auth_user_id" not in client.session


def test_stay_signed_in_is_a_post_for_signed_in_people(client, make_user):
    assert client.post(reverse("directory:session_extend")).status_code == 403
    _signed_in(client, make_user())
    assert client.get(reverse("directory:session_extend")).status_code == 405
    assert client.post(reverse("directory:session_extend")).json() == {"expires_in": None}


def test_stay_signed_in_needs_the_csrf_token(make_user):
    from talentportal.core.testing import PortalClient

    client = _signed_in(PortalClient(enforce_csrf_checks=True), make_user(Role.SYSTEM_ADMIN))
    assert client.post(reverse("directory:session_extend")).status_code == 403
