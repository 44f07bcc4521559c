"""The booking benchmark's floor (scripts/bench_floor): a POST that books nothing but must
pass every check a booking POST passes first, so `make bench` can report what no booking can
beat on the machine. If it skipped one, the floor would flatter the machine."""

import sys
from pathlib import Path

import pytest
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client

from talentportal.directory.models import Role

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench_floor.urls")]


def post(client, *, token=True):
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    data = {"csrfmiddlewaretoken": _mask_cipher_secret(secret)} if token else {}
    return client.post("/bench-floor/", data)


def test_a_signed_in_person_is_sent_to_my_bookings_with_a_message(make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())
    answer = post(client)
    assert answer.status_code == 302 and answer["Location"] == "/programmes/my-bookings/"
    page = client.get(answer["Location"])
    assert "Nothing was booked" in page.content.decode()


def test_it_checks_csrf_sign_in_and_the_second_factor(make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())
    assert post(client, token=False).status_code == 403

    anonymous = Client(enforce_csrf_checks=True)
    assert post(anonymous)["Location"].startswith("/accounts/login/")

    staff = Client(enforce_csrf_checks=True)
    staff.force_login(make_user(Role.PROGRAMME_ADMIN))  # signed in without the second factor
    assert post(staff)["Location"].startswith("/accounts/2fa/reauthenticate/")
