"""Every main page of every role, on the demo data, as a phone shows it: nothing scrolls
sideways at 390 px, and no choice offers Django's "---------" for words. With SCREENSHOTS=<folder> (`make screenshots`) it also saves a
full-page PNG of each page at 1280 and 390 px and an index page to look through."""

import html
import os
import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management import call_command

from talentportal.directory.models import User
from talentportal.directory.permissions import requires_mfa
from tests import gallery
from tests.conftest import TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)
# What is wider than the window: the page's own elements, outermost first.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const wide = [...document.querySelectorAll('main *, header *, footer *')].filter(el => {
    const box = el.getBoundingClientRect();
    return box.right > width + 1 && getComputedStyle(el).position !== 'fixed';
  });
  const outer = wide.filter(el => !wide.includes(el.parentElement));
  return outer.slice(0, 3).map(el => `${el.tagName.toLowerCase()}.${el.className}`.slice(0, 80));
}"""


def _sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(gallery.PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if requires_mfa(User.objects.get(email=email)):
        code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Hello").wait_for()


@pytest.fixture
def demo(settings):
    settings.DEMO_DATA_ALLOWED = True
    call_command("load_demo", verbosity=0)


def _index(folder: Path, shots: list[tuple[str, str, str]]) -> None:
    rows = "\n".join(
        f"<tr><td>{html.escape(role)}</td><td>{html.escape(path)}</td>"
        + "".join(f'<td><a href="{name}_{w}.png"><img src="{name}_{w}.png" width="{w // 8}"'
                  f' alt="{html.escape(path)} at {w} px"></a></td>' for w in WIDTHS)
        + "</tr>"
        for role, path, name in shots
    )  # fmt: skip
    (folder / "index.html").write_text(
        "<!doctype html><meta charset=utf-8><title>Talent portal: what people see</title>"
        "<h1>What people see</h1><table><tr><th>Role</th><th>Page</th>"
        + "".join(f"<th>{w} px</th>" for w in WIDTHS)
        + f"</tr>{rows}</table>"
    )


def test_no_main_page_of_any_role_scrolls_sideways_on_a_phone(demo, contexts):
    folder = os.environ.get("SCREENSHOTS")
    folder = Path(folder) if folder else None
    if folder:
        folder.mkdir(parents=True, exist_ok=True)
    problems, shots = [], []
    for role in gallery.ROLES:
        page = contexts().new_page()
        _sign_in(page, f"{role}@{gallery.DOMAIN}")
        for name, path in gallery.pages(role):
            shot = f"{role}_{name}"
            for width in WIDTHS:
                # Each width is a fresh load, as a phone would have it (the header lays
                # out its menu on load).
                page.set_viewport_size({"width": width, "height": 900})
                response = page.goto(path)
                if not response.ok:
                    problems.append(f"{role} {path}: answered {response.status}")
                    break
                if width == WIDTHS[0] and "---------" in page.content():
                    problems.append(f"{role} {path}: a choice reads '---------', not words")
                wide = page.evaluate(OVERFLOW)
                if wide:
                    problems.append(f"{role} {path}: wider than {width} px at {', '.join(wide)}")
                if folder:
                    page.screenshot(path=folder / f"{shot}_{width}.png", full_page=True)
            else:
                shots.append((role, path, shot))
        page.context.close()
    if folder:
        _index(folder, shots)
    assert not problems, "\n".join(problems)
