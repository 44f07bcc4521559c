"""The account pages and emails in the portal's own words, and the footer's pages."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "en_GB" / "LC_MESSAGES" / "django.po"


def _catalogue():
    return re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', PO.read_text(), re.M)


def test_the_compiled_words_are_those_written_in_the_po_file():
    """django.mo is committed (no gettext needed on a fresh machine): it must say what
    django.po says. After editing the .po: msgfmt -o django.mo django.po"""
    pairs = _catalogue()
    assert len(pairs) >= 20
    with translation.override("en-gb"):
        assert [(msgid, translation.gettext(msgid)) for msgid, _ in pairs] == pairs


def test_the_sign_in_page_speaks_the_portal_s_words_without_placeholders(client, db):
    page = client.get(reverse("account_login")).content.decode()
    assert "<h1>\n        Sign in\n    </h1>" in page or re.search(r"<h1>\s*Sign in\s*</h1>", page)
    assert "Keep me signed in on this device" in page
    for allauth_default in ("Sign In", "Remember Me", "placeholder="):
        assert allauth_default not in page


def test_allauth_emails_name_the_portal_not_the_host(client, make_user):
    from talentportal.notifications.models import OutboundEmail

    person = make_user(email="forgetful@nhs.example")
    client.post(reverse("account_reset_password"), {"email": person.email})
    [message] = OutboundEmail.objects.filter(recipients__contains=[person.email])
    body = message.payload["body"]
    assert message.subject.startswith(f"{settings.PORTAL_NAME}: ")
    assert f"Hello from the {settings.PORTAL_NAME}." in body
    # allauth's own greeting and sign-off named the host the request came in on.
    assert "Hello from testserver" not in body and "Thank you for using" not in body
    assert body.rstrip().endswith(settings.PORTAL_BASE_URL.rstrip("/") + "/")


@pytest.mark.parametrize(
    ("name", "heading"),
    [("help", "Contact and help"), ("accessibility", "Accessibility statement"),
     ("privacy", "Privacy notice"), ("cookies", "Cookies")],
)  # fmt: skip
def test_the_footer_s_pages_are_real_pages_open_to_everyone(client, db, name, heading):
    url = reverse(f"directory:{name}")
    page = client.get(url).content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert f'href="{url}"' in client.get(reverse("account_login")).content.decode()
    assert settings.PORTAL_NAME in page
