"""Import of past talent records (all or nothing, idempotent).

- pool_members: email,name,pool,route,organisation,system,joined_on,left_on,leave_reason
  (pool aspirant_directors; route nominated or self; one row per spell in the pool, keyed by
  person, pool and joined_on);
- gmts_trainees: email,name,intake,specialism,host_organisation,organisation_type,system,
  status,completed_on,destination (intake YYYY-MM; keyed by person and intake). A host
  organisation not yet known is created in that system with that type.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models.functions import Lower

from talentportal.core.imports import Importer, ImportResult, register
from talentportal.directory.models import IntegratedCareSystem, Organisation, OrganisationType
from talentportal.directory.services import person_ensure

from .models import (
    Destination,
    LeaveReason,
    Pool,
    PoolMembership,
    Route,
    Specialism,
    Trainee,
    TraineeStatus,
)


class _Places:
    """Systems and organisations by lower-cased name, read once per import."""

    def __init__(self) -> None:
        self.systems = {s.name.lower(): s for s in IntegratedCareSystem.objects.all()}
        self.orgs = {
            (o.lname, o.system_id): o
            for o in Organisation.objects.annotate(lname=Lower("name")).select_related("type")
        }

    def system(self, importer: Importer, row: int, name: str) -> IntegratedCareSystem | None:
        system = self.systems.get(name.lower())
        if system is None:
            importer.error(row, "system", f"'{name}' is not an integrated care system")
        return system


def _overlap(a: tuple[date, date | None], b: tuple[date, date | None]) -> bool:
    """Whether two spells overlap; a spell ends the day before its leaving date."""
    return (a[1] is None or b[0] < a[1]) and (b[1] is None or a[0] < b[1])


@dataclass
class MemberRow:
    row: int
    email: str
    name: str
    route: str
    organisation: Organisation | None
    system: IntegratedCareSystem
    joined_on: date
    left_on: date | None
    leave_reason: str


@register
class PoolMembersImporter(Importer):
    kind = "pool_members"
    decides = True
    columns = (
        "email",
        "name",
        "pool",
        "route",
        "organisation",
        "system",
        "joined_on",
        "left_on",
        "leave_reason",
    )
    description = (
        "pool is aspirant_directors; route is nominated or self; dates are YYYY-MM-DD; "
        "left_on and leave_reason (appointed, withdrew or other) are blank while they are in "
        "the pool; organisation (optional) is one of the system's organisations."
    )

    def validate(self, rows):
        places = _Places()
        seen: dict[tuple[str, date], int] = {}
        spells: dict[str, list[tuple[date, date | None, int]]] = {}
        items = []
        for number, v in rows:
            before = len(self.errors)
            email = self.email(number, "email", v["email"])
            name = self.person_name(number, v["name"])
            if v["pool"] not in Pool.values:
                self.error(number, "pool", "must be aspirant_directors")
            if v["route"] not in Route.values:
                self.error(number, "route", "must be nominated or self")
            system = places.system(self, number, v["system"])
            organisation = None
            if v["organisation"] and system is not None:
                organisation = places.orgs.get((v["organisation"].lower(), system.pk))
                if organisation is None:
                    self.error(
                        number,
                        "organisation",
                        f"'{v['organisation']}' is not an organisation in {system}",
                    )
            joined_on = self.date(number, "joined_on", v["joined_on"])
            left_on = self.date(number, "left_on", v["left_on"], required=False)
            reason = v["leave_reason"]
            if left_on is None and v["left_on"] == "" and reason:
                self.error(number, "leave_reason", "must be blank while they are in the pool")
            if left_on is not None:
                if reason not in LeaveReason.values:
                    self.error(number, "leave_reason", "must be appointed, withdrew or other")
                if joined_on is not None and left_on < joined_on:
                    self.error(number, "left_on", "is before joined_on")
            if len(self.errors) > before:
                continue
            key = (email, joined_on)
            if key in seen:
                self.error(number, "joined_on", f"repeats row {seen[key]} for the same person")
                continue
            seen[key] = number
            for other_join, other_left, other_row in spells.get(email, []):
                if _overlap((joined_on, left_on), (other_join, other_left)):
                    self.error(number, "joined_on", f"overlaps row {other_row}'s spell in the pool")
                    break
            else:
                spells.setdefault(email, []).append((joined_on, left_on, number))
                items.append(
                    MemberRow(
                        number,
                        email,
                        name,
                        v["route"],
                        organisation,
                        system,
                        joined_on,
                        left_on,
                        reason if left_on else "",
                    )  # fmt: skip
                )
        self._check_recorded_spells(items)
        return items

    def _check_recorded_spells(self, items: list[MemberRow]) -> None:
        """A spell already recorded, and not restated by the file (same person and join
        date), must not overlap any spell of the file."""
        stated = {(i.email, i.joined_on) for i in items}
        recorded = PoolMembership.objects.filter(
            pool=Pool.ASPIRANT_DIRECTORS, member__email__in={i.email for i in items}
        ).values_list("member__email", "joined_on", "left_on")
        for email, joined_on, left_on in recorded:
            if (email, joined_on) in stated:
                continue
            for item in items:
                if item.email == email and _overlap(
                    (joined_on, left_on), (item.joined_on, item.left_on)
                ):
                    until = f"to {left_on:%Y-%m-%d}" if left_on else "and still open"
                    self.error(
                        item.row,
                        "joined_on",
                        f"overlaps {email}'s spell already recorded from "
                        f"{joined_on:%Y-%m-%d} {until}",
                    )

    def preview_row(self, item: MemberRow) -> dict:
        return {
            "row": item.row,
            "email": item.email,
            "route": item.route,
            "joined": item.joined_on.isoformat(),
            "left": item.left_on.isoformat() if item.left_on else "",
        }

    def write(self, items: list[MemberRow], result: ImportResult) -> None:
        # Closed spells first: a file may close someone's open spell and open another.
        for item in sorted(items, key=lambda i: i.left_on is None):
            user = person_ensure(email=item.email, name=item.name, organisation=item.organisation)
            values = {
                "route": item.route,
                "organisation": item.organisation,
                "system": item.system,
                "left_on": item.left_on,
                "leave_reason": item.leave_reason,
            }
            membership = PoolMembership.objects.filter(
                member=user, pool=Pool.ASPIRANT_DIRECTORS, joined_on=item.joined_on
            ).first()
            if membership is None:
                PoolMembership.objects.create(
                    member=user, pool=Pool.ASPIRANT_DIRECTORS, joined_on=item.joined_on, **values
                )
                result.created += 1
            elif any(getattr(membership, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(membership, k, v)
                membership.save()
                result.updated += 1
            else:
                result.unchanged += 1


@dataclass
class TraineeRow:
    row: int
    email: str
    name: str
    intake: date
    specialism: str
    organisation: Organisation | None
    new_organisation: tuple[str, OrganisationType, IntegratedCareSystem] | None
    status: str
    completed_on: date | None
    destination: str


def _intake(value: str) -> date | None:
    try:
        year, month = value.split("-")
        parsed = date(int(year), int(month), 1)
    except (ValueError, OverflowError):
        return None
    return parsed if len(year) == 4 and 1990 <= parsed.year <= 2100 else None


@register
class GmtsTraineesImporter(Importer):
    kind = "gmts_trainees"
    decides = True
    columns = (
        "email",
        "name",
        "intake",
        "specialism",
        "host_organisation",
        "organisation_type",
        "system",
        "status",
        "completed_on",
        "destination",
    )
    description = (
        "intake is YYYY-MM; specialism is general_management, human_resources, "
        "health_informatics or finance; organisation_type is a type's code or name; status is "
        "in_training, completed or withdrew; completed_on (YYYY-MM-DD) is blank while in "
        "training; destination is nhs_employment, other or blank."
    )

    def validate(self, rows):
        places = _Places()
        types = {}
        for t in OrganisationType.objects.all():
            types[t.code.lower()] = t
            types[t.name.lower()] = t
        seen: dict[tuple[str, date], int] = {}
        new_hosts: dict[tuple[str, int], tuple[OrganisationType, int]] = {}
        items = []
        for number, v in rows:
            before = len(self.errors)
            email = self.email(number, "email", v["email"])
            name = self.person_name(number, v["name"])
            intake = _intake(v["intake"])
            if intake is None:
                self.error(number, "intake", f"'{v['intake']}' is not an intake (YYYY-MM)")
            if v["specialism"] not in Specialism.values:
                self.error(
                    number,
                    "specialism",
                    "must be general_management, human_resources, health_informatics or finance",
                )
            org_type = types.get(v["organisation_type"].lower())
            if org_type is None:
                self.error(
                    number,
                    "organisation_type",
                    f"'{v['organisation_type']}' is not an organisation type",
                )
            system = places.system(self, number, v["system"])
            host = v["host_organisation"]
            organisation = new_organisation = None
            if not host or len(host) > 255:
                self.error(number, "host_organisation", "is required (255 characters at most)")
            elif system is not None and org_type is not None:
                organisation = places.orgs.get((host.lower(), system.pk))
                if organisation is None:
                    new_organisation = (host, org_type, system)
                    first_type, first_row = new_hosts.setdefault(
                        (host.lower(), system.pk), (org_type, number)
                    )
                    if first_type != org_type:
                        self.error(
                            number,
                            "organisation_type",
                            f"{host} is new and row {first_row} gives it the type {first_type}",
                        )
                elif organisation.type_id != org_type.pk:
                    self.error(
                        number,
                        "organisation_type",
                        f"{organisation} is recorded as {organisation.type}, not {org_type}",
                    )
            status = v["status"]
            completed_on = None
            if status not in TraineeStatus.values:
                self.error(number, "status", "must be in_training, completed or withdrew")
            elif status == TraineeStatus.IN_TRAINING:
                if v["completed_on"]:
                    self.error(number, "completed_on", "must be blank while in training")
            else:
                completed_on = self.date(number, "completed_on", v["completed_on"])
                if completed_on and intake and completed_on < intake:
                    self.error(number, "completed_on", "is before the intake")
            destination = v["destination"]
            if destination and destination not in Destination.values:
                self.error(number, "destination", "must be nhs_employment, other or blank")
            elif destination and status != TraineeStatus.COMPLETED:
                self.error(number, "destination", "is only recorded for completed trainees")
            if len(self.errors) > before:
                continue
            key = (email, intake)
            if key in seen:
                self.error(number, "intake", f"repeats row {seen[key]} for the same person")
                continue
            seen[key] = number
            items.append(
                TraineeRow(
                    number,
                    email,
                    name,
                    intake,
                    v["specialism"],
                    organisation,
                    new_organisation,
                    status,
                    completed_on,
                    destination,
                )  # fmt: skip
            )
        return items

    def preview_row(self, item: TraineeRow) -> dict:
        host = item.organisation or (item.new_organisation and item.new_organisation[0])
        return {
            "row": item.row,
            "email": item.email,
            "intake": f"{item.intake:%Y-%m}",
            "host": f"{host}{' (new)' if item.new_organisation else ''}",
            "status": item.status,
        }

    def write(self, items: list[TraineeRow], result: ImportResult) -> None:
        created_orgs: dict[tuple[str, int], Organisation] = {}
        for item in items:
            organisation = item.organisation
            if organisation is None:
                name, org_type, system = item.new_organisation
                key = (name.lower(), system.pk)
                organisation = created_orgs.get(key)
                if organisation is None:
                    organisation = Organisation.objects.create(
                        name=name, type=org_type, system=system
                    )
                    created_orgs[key] = organisation
            user = person_ensure(email=item.email, name=item.name, organisation=organisation)
            values = {
                "specialism": item.specialism,
                "host_organisation": organisation,
                "status": item.status,
                "completed_on": item.completed_on,
                "destination": item.destination,
            }
            trainee = Trainee.objects.filter(person=user, intake=item.intake).first()
            if trainee is None:
                Trainee.objects.create(person=user, intake=item.intake, **values)
                result.created += 1
            elif any(getattr(trainee, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(trainee, k, v)
                trainee.save()
                result.updated += 1
            else:
                result.unchanged += 1
