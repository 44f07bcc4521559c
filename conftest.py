"""Fixtures shared by every test: real PostgreSQL and Redis, roles, and signed-in clients."""

import pytest

from talentportal.core.testing import PortalClient
from talentportal.directory.models import MFA_ROLES


def pytest_sessionstart(session):
    from talentportal.core.services_check import ServiceUnavailable, check_services

    try:
        check_services()
    except ServiceUnavailable as exc:
        pytest.exit(str(exc), returncode=2)


@pytest.fixture(autouse=True)
def _outbox_email(settings):
    """Django's test set-up swaps EMAIL_BACKEND for locmem; keep the portal's outbox in front
    of it, so tests see mail exactly as users get it: after commit, through Celery."""
    settings.EMAIL_BACKEND = "talentportal.notifications.backends.OutboxBackend"


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and used TOTP codes live in Redis: start every test clean."""
    from django.core.cache import cache

    yield
    cache.clear()


@pytest.fixture
def make_user(db):
    """A person with a complete profile, optionally holding roles.

    Staff roles get a TOTP authenticator, as the portal requires of them.
    """
    from allauth.mfa.totp.internal.auth import TOTP

    from talentportal.directory.services import role_grant
    from talentportal.directory.tests.factories import UserFactory

    def make(*grants, **fields):
        user = UserFactory(**fields)
        for grant in grants:
            grant = {"role": grant} if isinstance(grant, str) else grant
            role_grant(user=user, **grant)
        if any((g if isinstance(g, str) else g["role"]) in MFA_ROLES for g in grants):
            TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        return user

    return make


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """Transactional tests flush the database afterwards, reference data included;
    put the migration's reference data back for each of them."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    for migration in (
        "talentportal.directory.migrations.0002_reference_data",
        "programmes.migrations.0002_workstreams_and_permissions",
        "coaching.migrations.0002_themes",
        "talentpools.migrations.0002_permissions",
    ):
        importlib.import_module(migration).load(apps, None)


@pytest.fixture
def client_as(client, make_user):
    """`client_as(role)`: the client signed in as a fresh person holding that role (a key of
    talentportal.directory.tests.roles.ROLES), or anonymous; returns (client, person)."""
    from talentportal.directory.tests.roles import role_grants

    def login(role):
        if role == "anonymous":
            return client, None
        user = make_user(*role_grants(role))
        client.force_login(user)
        return client, user

    return login


@pytest.fixture
def client():
    return PortalClient()
