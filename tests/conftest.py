"""Fixtures for cross-app, worker and browser tests."""

import contextlib
import os
import shutil
import time

import pytest

# The password of people made by the `make_user` fixture, and the TOTP secret of staff.
PASSWORD = "correct-horse-battery"  # noqa: S105
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(executable):
        pytest.fail("Chromium is missing: run `make deps` (Debian package chromium).")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make between browser steps are ordinary synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@contextlib.contextmanager
def browser_page(browser, live_server, request, *, init_script=None):
    """One browser context (one person) and its page; a screenshot if the test failed."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    if init_script:
        context.add_init_script(path=str(init_script))
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            os.makedirs("test-artifacts", exist_ok=True)
            page.screenshot(path=f"test-artifacts/{request.node.name}.png", full_page=True)
        context.close()


@pytest.fixture
def page(browser, live_server, request):
    with browser_page(browser, live_server, request) as page:
        yield page


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def contexts(browser, live_server):
    """Open as many browser contexts (separate people) as a test needs; all closed after."""
    opened = []

    def new():
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        context.set_default_timeout(15_000)
        opened.append(context)
        return context

    yield new
    for context in opened:
        context.close()


def sign_in(page, email, password=PASSWORD, totp=False):
    """Sign in through allauth's pages, with the second factor for staff roles."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    if totp:
        code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Sign In").click()


def fill_date(page, legend, day):
    """Type a date into the NHS.UK date input (day, month, year) under that legend."""
    group = page.get_by_role("group", name=legend)
    for part, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
        group.get_by_label(part).fill(str(value))


def signed_in(contexts, email, totp=False):
    """A new browser context (another person) signed in and on the dashboard."""
    page = contexts().new_page()
    sign_in(page, email, totp=totp)
    page.get_by_role("heading", name="Hello").wait_for()
    return page
