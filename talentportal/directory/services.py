"""Every write to people, places and roles."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction

from talentportal.core.errors import ApplicationError

from .models import (
    MFA_ROLES,
    EqualityMonitoring,
    EqualityPublication,
    EqualitySnapshot,
    ErasureRequest,
    IntegratedCareSystem,
    Organisation,
    PersonalDataExport,
    Profile,
    Role,
    RoleAssignment,
    User,
)
from .permissions import forget_roles

# Roles that may use the Django admin site (is_staff); system administrators are superusers.
# Scheme managers keep their cohorts, participants, trainees and bids there.
ADMIN_SITE_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.PROGRAMME_ADMIN, Role.SCHEME_MANAGER})


@transaction.atomic
def user_create(
    *,
    email: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
) -> User:
    """Create a person. Without a password they cannot sign in until they reset one."""
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError(f"Someone is already registered with {email}.")
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    Profile.objects.create(user=user)
    return user


def person_ensure(*, email: str, name: str, organisation: Organisation | None = None) -> User:
    """The person with this email, created (from past records) if new; a new person's
    organisation is set when it is known. Existing people's profiles are theirs to keep."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        first, _, last = name.strip().partition(" ")
        user = user_create(email=email, first_name=first, last_name=last)
        if organisation is not None:
            Profile.objects.filter(user=user).update(organisation=organisation)
    return user


def profile_ensure(*, user: User) -> Profile:
    """Every person has a profile; people who sign up get an empty one to complete."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def _profile(user: User) -> Profile:
    return profile_ensure(user=user)


@transaction.atomic
def profile_update(
    *,
    user: User,
    first_name: str,
    last_name: str,
    job_title: str,
    organisation: Organisation | None,
    band: str,
    staff_group: str,
    profession: str,
) -> Profile:
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name"])
    profile = _profile(user)
    profile.job_title = job_title.strip()
    profile.organisation = organisation
    profile.band = band
    profile.staff_group = staff_group
    profile.profession = profession
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def equality_update(
    *, user: User, ethnic_category: str, disability: str, sex: str
) -> EqualityMonitoring:
    record, _ = EqualityMonitoring.objects.get_or_create(user=user)
    record.ethnic_category = ethnic_category
    record.disability = disability
    record.sex = sex
    record.full_clean()
    record.save()
    return record


def _sync_account_flags(user: User) -> None:
    roles = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    user.is_staff = bool(roles & ADMIN_SITE_ROLES)
    user.is_superuser = Role.SYSTEM_ADMIN in roles
    user.save(update_fields=["is_staff", "is_superuser"])
    groups = Group.objects.filter(name__in=[Role(r).label for r in roles])
    user.groups.set(groups)
    forget_roles(user)


OWN_ROLES = (
    "Another system administrator must change your roles: nobody grants or removes their own."
)


def role_grant_refusal(
    *, user: User, role: str, organisation=None, system=None, scheme: str = "", granted_by=None
) -> str | None:
    """Why this grant cannot be made, or None: asked before a grant is confirmed."""
    if granted_by is not None and granted_by.pk == user.pk:
        return OWN_ROLES
    if role == Role.TALENT_LEAD and bool(organisation) == bool(system):
        return "A talent lead is scoped to one organisation or one system."
    if role == Role.SCHEME_MANAGER and not scheme:
        return "Choose the scheme this person manages."
    if role != Role.TALENT_LEAD and (organisation or system):
        return "Only talent leads are scoped to an organisation or a system."
    if role != Role.SCHEME_MANAGER and scheme:
        return "Only scheme managers have a scheme."
    return None


@transaction.atomic
def role_grant(
    *,
    user: User,
    role: str,
    organisation: Organisation | None = None,
    system: IntegratedCareSystem | None = None,
    scheme: str = "",
    granted_by: User | None = None,
) -> RoleAssignment:
    """Grant a role. `granted_by` is who decided (never the grantee); None only where no
    person decides: the grant_role command (break-glass, recorded as such in the audit
    trail), imports and demo data."""
    reason = role_grant_refusal(
        user=user, role=role, organisation=organisation, system=system, scheme=scheme,
        granted_by=granted_by,
    )  # fmt: skip
    if reason:
        raise ApplicationError(reason)
    # Lock the person so two grants cannot race past the duplicate check.
    User.objects.select_for_update().get(pk=user.pk)
    existing = RoleAssignment.objects.filter(
        user=user, role=role, organisation=organisation, system=system, scheme=scheme
    ).first()
    if existing:
        return existing
    assignment = RoleAssignment(
        user=user,
        role=role,
        organisation=organisation,
        system=system,
        scheme=scheme,
        granted_by=granted_by,
    )
    assignment.full_clean()
    assignment.save()
    _sync_account_flags(user)
    if granted_by is not None and role in MFA_ROLES:
        from . import emails

        emails.role_granted(assignment)
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, revoked_by: User | None = None) -> None:
    """Remove a role; `revoked_by` (None only outside a request) is never its holder."""
    user = assignment.user
    if revoked_by is not None and revoked_by.pk == user.pk:
        raise ApplicationError(OWN_ROLES)
    User.objects.select_for_update().get(pk=user.pk)
    if assignment.role == Role.SYSTEM_ADMIN:
        # Lock every administrator's assignment, so two administrators removing each
        # other at the same moment cannot both succeed.
        admins = list(
            RoleAssignment.objects.select_for_update()
            .filter(role=Role.SYSTEM_ADMIN)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if admins == [assignment.pk] or assignment.pk not in admins:
            raise ApplicationError("The portal must keep at least one system administrator.")
    assignment.delete()
    _sync_account_flags(user)


def erasure_request(*, person: User, now) -> ErasureRequest:
    existing = ErasureRequest.objects.filter(person=person, status="requested").first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return ErasureRequest.objects.create(person=person, requested_at=now)
    except IntegrityError:  # asked twice at once
        return ErasureRequest.objects.get(person=person, status="requested")


@transaction.atomic
def erasure_carry_out(*, request: ErasureRequest, by: User, now) -> ErasureRequest:
    """Anonymise the person across every app (see talentportal.core.privacy)."""
    from talentportal.core.privacy import person_erase

    request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ErasureRequest.Status.REQUESTED:
        raise ApplicationError("This request has already been decided.")
    person = User.objects.select_for_update().get(pk=request.person_id)
    if RoleAssignment.objects.filter(role=Role.SYSTEM_ADMIN).exclude(user=person).count() == 0:
        raise ApplicationError("The portal must keep at least one system administrator.")
    person_erase(person)
    request.status = ErasureRequest.Status.DONE
    request.decided_at = now
    request.decided_by = by
    request.save()
    forget_roles(person)
    return request


@transaction.atomic
def erasure_refuse(*, request: ErasureRequest, by: User, note: str, now) -> ErasureRequest:
    if not note.strip():
        raise ApplicationError("Say why the request is refused; the person is told.")
    request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ErasureRequest.Status.REQUESTED:
        raise ApplicationError("This request has already been decided.")
    request.status = ErasureRequest.Status.REFUSED
    request.decided_at, request.decided_by, request.note = now, by, note.strip()
    request.save()
    return request


def personal_data_export(*, subject: User, by: User, now) -> dict:
    """An administrator's export of one person's data: recorded (who, whose, when)."""
    from talentportal.core.privacy import person_export

    PersonalDataExport.objects.create(subject=subject, exported_by=by, exported_at=now)
    return person_export(subject)


@transaction.atomic
def equality_snapshots_refresh(
    *, prefix: str, compute, now, force: bool = False, keep_unchanged: bool = False
) -> int:
    """Publish anew the equality breakdowns of one kind of group (all keys under `prefix`,
    such as "talentpools.cohort:"), when the last were taken at least a period
    (`EQUALITY_SNAPSHOT_DAYS`, less an hour's slack for the scheduler) ago, or `force`.

    `compute()` returns ({key: published data} for every group of the kind, [(key,
    dimension, members, table as a dict)] for each equality table in it): each shown table
    is remembered with its members (EqualityPublication) when it differs from the last of
    its key and dimension, so that later ones are checked beside it. Groups gone since lose
    their snapshot. The others are replaced, or with `keep_unchanged` (breakdowns of closed
    periods, published once and changed only if their records change) written only when
    new or changed, so each keeps the time it was published. The snapshots of a kind
    written together share one time, so a page can say when the next comes. Returns how
    many were written (0 when not yet due)."""
    # One refresh of a kind at a time (also the first, when there is no row to lock yet): the
    # second waits, then finds it not due.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"equality:{prefix}"])
    mine = EqualitySnapshot.objects.filter(key__startswith=prefix)
    last = mine.order_by("-taken_at").values_list("taken_at", flat=True).first()
    period = timedelta(days=settings.EQUALITY_SNAPSHOT_DAYS)
    if not force and last is not None and now - last < period - timedelta(hours=1):
        return 0
    tables, published = compute()
    if any(not key.startswith(prefix) for key in tables):
        raise ValueError(f"every key must start with {prefix!r}")
    mine.exclude(key__in=list(tables)).delete()
    if keep_unchanged:
        before = dict(mine.filter(key__in=list(tables)).values_list("key", "data"))
        tables = {key: data for key, data in tables.items() if before.get(key) != data}
        published = [p for p in published if p[0] in tables]
    for key, data in tables.items():
        EqualitySnapshot.objects.update_or_create(key=key, defaults={"taken_at": now, "data": data})
    for key, dimension, members, table in published:
        if table["withheld"]:
            continue  # only the total was shown, which the members tell
        members = sorted(members)
        latest = (
            EqualityPublication.objects.filter(key=key, dimension=dimension)
            .order_by("-published_at", "-pk")
            .first()
        )
        if latest is None or latest.members != members or latest.table != table:
            EqualityPublication.objects.create(
                key=key, dimension=dimension, members=members, table=table, published_at=now
            )
    return len(tables)
