"""Import of past coaching and mentoring records (all or nothing, idempotent).

- coaching_people: email,name,role,approved_on,organisation,system
  (role coach, coachee, mentor or mentee; a coach or mentor becomes an approved
  practitioner, a coachee or mentee an approved application);
- relationships: ref,kind,practitioner_email,client_email,started_on,ended_on,end_reason;
- coaching_sessions: relationship_ref,held_on,hours,mode.

A person in a relationship must already hold the right role: in the database, or from
an earlier file of the same run (`import_records coaching_people p.csv relationships r.csv`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models.functions import Lower
from django.utils import timezone

from talentportal.core.imports import Importer, ImportResult, parse_date, register
from talentportal.directory.models import IntegratedCareSystem, Organisation, Role, User
from talentportal.directory.services import person_ensure, role_grant

from .models import (
    Application,
    ApprovalStatus,
    Kind,
    LoggedSession,
    Mode,
    Practitioner,
    Relationship,
)

ROLES = {
    "coach": ("practitioner", Kind.COACHING),
    "mentor": ("practitioner", Kind.MENTORING),
    "coachee": ("client", Kind.COACHING),
    "mentee": ("client", Kind.MENTORING),
}


@dataclass
class PersonRow:
    row: int
    email: str
    name: str
    role: str
    approved_on: date
    organisation: Organisation | None


@register
class CoachingPeopleImporter(Importer):
    kind = "coaching_people"
    decides = True
    columns = ("email", "name", "role", "approved_on", "organisation", "system")
    description = (
        "role is coach, coachee, mentor or mentee; approved_on is YYYY-MM-DD; system is an "
        "integrated care system's exact name; organisation (optional) one of its organisations."
    )

    def validate(self, rows):
        systems = {s.name.lower(): s for s in IntegratedCareSystem.objects.all()}
        orgs = {
            (o.lname, o.system_id): o for o in Organisation.objects.annotate(lname=Lower("name"))
        }
        seen: dict[tuple[str, str], int] = {}
        items = []
        for number, v in rows:
            before = len(self.errors)
            email = self.email(number, "email", v["email"])
            self.person_name(number, v["name"], required=False)
            if v["role"] not in ROLES:
                self.error(number, "role", "must be coach, coachee, mentor or mentee")
            approved_on = parse_date(v["approved_on"])
            if approved_on is None:
                self.error(
                    number, "approved_on", f"'{v['approved_on']}' is not a date (YYYY-MM-DD)"
                )
            system = systems.get(v["system"].lower())
            if system is None:
                self.error(number, "system", f"'{v['system']}' is not an integrated care system")
            organisation = None
            if v["organisation"] and system is not None:
                organisation = orgs.get((v["organisation"].lower(), system.pk))
                if organisation is None:
                    self.error(
                        number,
                        "organisation",
                        f"'{v['organisation']}' is not an organisation in {system}",
                    )
            if len(self.errors) > before:
                continue
            key = (email, v["role"])
            if key in seen:
                self.error(number, "role", f"repeats row {seen[key]} for the same person")
                continue
            seen[key] = number
            items.append(
                PersonRow(number, email, v["name"].strip(), v["role"], approved_on, organisation)
            )
        return items

    def preview_row(self, item: PersonRow) -> dict:
        return {
            "row": item.row,
            "email": item.email,
            "role": item.role,
            "approved": item.approved_on.isoformat(),
        }

    def write(self, items: list[PersonRow], result: ImportResult) -> None:
        for item in items:
            user = person_ensure(email=item.email, name=item.name, organisation=item.organisation)
            side, kind = ROLES[item.role]
            changed = False
            if side == "practitioner":
                practitioner = Practitioner.objects.filter(user=user).first()
                flag = "coaches" if kind == Kind.COACHING else "mentors"
                if practitioner is None:
                    Practitioner.objects.create(
                        user=user, **{flag: True}, status=ApprovalStatus.APPROVED,
                        submitted_on=item.approved_on, approved_on=item.approved_on, modes=[],
                    )  # fmt: skip
                    changed = True
                else:
                    if not getattr(practitioner, flag):
                        setattr(practitioner, flag, True)
                        changed = True
                    if practitioner.status != ApprovalStatus.APPROVED:
                        practitioner.status = ApprovalStatus.APPROVED
                        practitioner.approved_on = item.approved_on
                        changed = True
                    if changed:
                        practitioner.save(update_fields=[flag, "status", "approved_on"])
                role_grant(user=user, role=Role.COACH if kind == Kind.COACHING else Role.MENTOR)
            else:
                exists = Application.objects.filter(
                    client=user,
                    kind=kind,
                    status=ApprovalStatus.APPROVED,
                    approved_on=item.approved_on,
                ).exists()
                if not exists:
                    Application.objects.create(
                        client=user, kind=kind, goals="Imported from past records.",
                        line_manager_agrees=True, status=ApprovalStatus.APPROVED,
                        submitted_on=item.approved_on, approved_on=item.approved_on,
                    )  # fmt: skip
                    changed = True
            if changed:
                result.created += 1
            else:
                result.unchanged += 1


@dataclass
class RelationshipRow:
    row: int
    ref: str
    kind: str
    practitioner: Practitioner
    client: User
    started_on: date
    ended_on: date | None
    status: str


@register
class RelationshipImporter(Importer):
    kind = "relationships"
    columns = (
        "ref",
        "kind",
        "practitioner_email",
        "client_email",
        "started_on",
        "ended_on",
        "end_reason",
    )
    description = (
        "kind is coaching or mentoring; dates are YYYY-MM-DD; ended_on is blank while the "
        "relationship is active; end_reason is completed, withdrawn or blank."
    )

    def validate(self, rows):
        seen: dict[str, int] = {}
        open_rows: dict[tuple[int, str], int] = {}
        items = []
        for number, v in rows:
            before = len(self.errors)
            ref = v["ref"]
            if not ref or len(ref) > 100:
                self.error(number, "ref", "is required (100 characters at most)")
            kind = v["kind"]
            if kind not in Kind.values:
                self.error(number, "kind", "must be coaching or mentoring")
            p_email = self.email(number, "practitioner_email", v["practitioner_email"])
            c_email = self.email(number, "client_email", v["client_email"])
            started = parse_date(v["started_on"])
            if started is None:
                self.error(number, "started_on", f"'{v['started_on']}' is not a date (YYYY-MM-DD)")
            ended = None
            if v["ended_on"]:
                ended = parse_date(v["ended_on"])
                if ended is None:
                    self.error(number, "ended_on", f"'{v['ended_on']}' is not a date (YYYY-MM-DD)")
                elif started and ended < started:
                    self.error(number, "ended_on", "is before started_on")
            reason = v["end_reason"]
            if reason not in ("", "completed", "withdrawn"):
                self.error(number, "end_reason", "must be completed, withdrawn or blank")
            elif bool(reason) != bool(v["ended_on"]):
                self.error(
                    number, "end_reason", "goes with ended_on: give both, or neither while active"
                )
            if len(self.errors) > before:
                continue
            practitioner = Practitioner.objects.filter(user__email__iexact=p_email).first()
            offers = practitioner and practitioner.offers(kind)
            if not offers:
                self.error(
                    number,
                    "practitioner_email",
                    f"{p_email} is not a {'coach' if kind == 'coaching' else 'mentor'}",
                )
                continue
            client = User.objects.filter(email__iexact=c_email).first()
            if (
                client is None
                or not Application.objects.filter(
                    client=client, kind=kind, status=ApprovalStatus.APPROVED
                ).exists()
            ):
                self.error(
                    number,
                    "client_email",
                    f"{c_email} is not a {'coachee' if kind == 'coaching' else 'mentee'}",
                )
                continue
            if practitioner.user_id == client.pk:
                self.error(number, "client_email", "is the practitioner themselves")
                continue
            if ref in seen:
                self.error(number, "ref", f"repeats row {seen[ref]}")
                continue
            seen[ref] = number
            status = reason or Relationship.Status.ACTIVE
            if status == Relationship.Status.ACTIVE:
                key = (client.pk, kind)
                clash = (
                    Relationship.objects.filter(
                        client=client, kind=kind, status__in=Relationship.OPEN
                    )
                    .exclude(reference=ref)
                    .exists()
                )
                if clash or key in open_rows:
                    where = f"row {open_rows[key]}" if key in open_rows else "the portal"
                    self.error(
                        number,
                        "ended_on",
                        f"{c_email} already has an open {kind} relationship ({where})",
                    )
                    continue
                open_rows[key] = number
            items.append(
                RelationshipRow(number, ref, kind, practitioner, client, started, ended, status)
            )
        return items

    def preview_row(self, item: RelationshipRow) -> dict:
        return {"row": item.row, "ref": item.ref, "kind": item.kind, "status": item.status}

    def write(self, items: list[RelationshipRow], result: ImportResult) -> None:
        today = timezone.localdate()
        for item in items:
            application = (
                Application.objects.filter(
                    client=item.client, kind=item.kind, status=ApprovalStatus.APPROVED
                )
                .order_by("-approved_on")
                .first()
            )
            fields = {
                "kind": item.kind, "practitioner": item.practitioner, "client": item.client,
                "status": item.status, "started_on": item.started_on, "ended_on": item.ended_on,
                "application": application,
            }  # fmt: skip
            existing = Relationship.objects.filter(reference=item.ref).first()
            if existing is None:
                # An imported active relationship counts as active today: it must not be
                # closed as quiet by the next nightly run.
                Relationship.objects.create(
                    reference=item.ref, requested_on=item.started_on,
                    last_activity_on=item.ended_on or today, **fields,
                )  # fmt: skip
                result.created += 1
            elif any(getattr(existing, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(existing, k, v)
                existing.save()
                result.updated += 1
            else:
                result.unchanged += 1


@dataclass
class SessionRow:
    row: int
    relationship: Relationship
    held_on: date
    hours: Decimal
    mode: str


@register
class CoachingSessionImporter(Importer):
    kind = "coaching_sessions"
    columns = ("relationship_ref", "held_on", "hours", "mode")
    description = (
        "relationship_ref is a relationship's ref; held_on is YYYY-MM-DD; hours is a decimal "
        "in quarter hours such as 1.5; mode is video, phone or in_person."
    )

    def validate(self, rows):
        refs = {r.reference: r for r in Relationship.objects.exclude(reference="")}
        seen: dict[tuple, int] = {}
        items = []
        for number, v in rows:
            before = len(self.errors)
            relationship = refs.get(v["relationship_ref"])
            if relationship is None:
                self.error(
                    number, "relationship_ref", f"'{v['relationship_ref']}' is not a relationship"
                )
            held = parse_date(v["held_on"])
            if held is None:
                self.error(number, "held_on", f"'{v['held_on']}' is not a date (YYYY-MM-DD)")
            try:
                hours = Decimal(v["hours"])
                if not (Decimal("0.25") <= hours <= 8) or (hours * 4) % 1:
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                hours = None
                self.error(number, "hours", "must be from 0.25 to 8 in quarter hours, e.g. 1.5")
            if v["mode"] not in Mode.values:
                self.error(number, "mode", "must be video, phone or in_person")
            if len(self.errors) > before:
                continue
            if relationship.started_on and held < relationship.started_on:
                self.error(number, "held_on", "is before the relationship started")
                continue
            key = (relationship.pk, held, hours, v["mode"])
            if key in seen:
                self.error(number, "held_on", f"repeats row {seen[key]}")
                continue
            seen[key] = number
            items.append(SessionRow(number, relationship, held, hours, v["mode"]))
        return items

    def preview_row(self, item: SessionRow) -> dict:
        return {
            "row": item.row,
            "relationship": item.relationship.reference,
            "held_on": item.held_on.isoformat(),
            "hours": str(item.hours),
        }

    def write(self, items: list[SessionRow], result: ImportResult) -> None:
        for item in items:
            _, created = LoggedSession.objects.get_or_create(
                relationship=item.relationship,
                held_on=item.held_on,
                hours=item.hours,
                mode=item.mode,
            )
            if created:
                result.created += 1
            else:
                result.unchanged += 1
