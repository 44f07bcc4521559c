"""CSV import of organisations: `name,type,system`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models.functions import Lower

from talentportal.core.imports import Importer, ImportResult, register

from .models import IntegratedCareSystem, Organisation, OrganisationType


@dataclass
class OrganisationRow:
    row: int
    name: str
    type: OrganisationType
    system: IntegratedCareSystem
    existing: Organisation | None

    @property
    def action(self) -> str:
        if self.existing is None:
            return "create"
        return "unchanged" if self.existing.type_id == self.type.pk else "update"


@register
class OrganisationImporter(Importer):
    kind = "organisations"
    columns = ("name", "type", "system")
    description = (
        "name: the organisation's name; type: an organisation type's name or code "
        "(e.g. 'Acute trust' or 'acute_trust'); system: an integrated care system's exact name."
    )

    def validate(self, rows):
        types = {}
        for t in OrganisationType.objects.all():
            types[t.code.lower()] = t
            types[t.name.lower()] = t
        systems = {s.name.lower(): s for s in IntegratedCareSystem.objects.all()}
        existing = {
            (o.lname, o.system_id): o for o in Organisation.objects.annotate(lname=Lower("name"))
        }
        seen: dict[tuple[str, int], int] = {}
        items = []
        for number, values in rows:
            ok = True
            name = values["name"]
            if not name:
                self.error(number, "name", "is required")
                ok = False
            elif len(name) > 255:
                self.error(number, "name", "is longer than 255 characters")
                ok = False
            org_type = types.get(values["type"].lower())
            if org_type is None:
                self.error(number, "type", f"'{values['type']}' is not an organisation type")
                ok = False
            system = systems.get(values["system"].lower())
            if system is None:
                self.error(
                    number, "system", f"'{values['system']}' is not an integrated care system"
                )
                ok = False
            if not ok:
                continue
            key = (name.lower(), system.pk)
            if key in seen:
                self.error(number, "name", f"repeats row {seen[key]} for the same system")
                continue
            seen[key] = number
            items.append(OrganisationRow(number, name, org_type, system, existing.get(key)))
        return items

    def preview_row(self, item: OrganisationRow) -> dict:
        return {
            "row": item.row,
            "name": item.name,
            "type": item.type.name,
            "system": item.system.name,
            "action": item.action,
        }

    def write(self, items: list[OrganisationRow], result: ImportResult) -> None:
        new = []
        for item in items:
            if item.action == "create":
                new.append(Organisation(name=item.name, type=item.type, system=item.system))
            elif item.action == "update":
                item.existing.type = item.type
                item.existing.save(update_fields=["type"])
                result.updated += 1
            else:
                result.unchanged += 1
        for org in new:
            org.full_clean()
        Organisation.objects.bulk_create(new)
        result.created = len(new)
