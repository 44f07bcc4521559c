"""Reading the audit trail that django-pghistory's triggers write (who, what, when).

Tracked models carry `@pghistory.track(...)`; the HistoryMiddleware records the signed-in
person as the context of every change made in a request. System administrators see the
whole trail in the admin site (Events); pages show one record's trail through `history`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from pghistory.models import Events

LABELS = {
    "insert": "created the record",
    "update": "changed the record",
    "delete": "deleted the record",
}
# The person a row is about (not who wrote it): named where a trail covers several rows.
SUBJECTS = ("person_id", "nominee_id", "member_id", "client_id", "user_id")
# A row that points at the record (a post's successor): what was done to the record.
RELATED_LABELS = {"insert": "added a", "update": "changed a", "delete": "removed a"}
HIDDEN = {"id", "updated_at"}


@dataclass
class Entry:
    when: datetime
    who: str
    action: str
    changes: list[tuple[str, object, object]] = field(default_factory=list)


def history_of_many(
    model, pks: list[int], *, referencing: bool = False, subjects: bool = False, limit: int = 200
) -> list[Entry]:
    """The trail of some rows of one tracked model, newest first, in a few queries; with
    `referencing`, also of tracked rows that point at them (a post's successors); with
    `subjects`, each entry names the person its row is about (a review's placements)."""
    if not pks:
        return []
    objs = [model(pk=pk) for pk in pks]
    events = Events.objects.references(objs) if referencing else Events.objects.tracks(objs)
    events = list(events.order_by("-pgh_created_at", "-pgh_id")[:limit])
    user_ids = {
        int(e.pgh_context["user"])
        for e in events
        if e.pgh_context and str(e.pgh_context.get("user", "")).isdigit()
    }
    names = {
        u.pk: u.get_full_name() or u.email for u in get_user_model().objects.filter(pk__in=user_ids)
    }
    fields = {f.attname: f for f in model._meta.concrete_fields}
    fields.update({f.name: f for f in model._meta.concrete_fields})
    people = _people_in(events, names)
    entries = []
    for e in events:
        user = (e.pgh_context or {}).get("user")
        who = names.get(int(user)) if str(user or "").isdigit() else None
        if who is None:
            who = (e.pgh_context or {}).get("source") or "the system"
        changes = []
        if e.pgh_label == "update" and e.pgh_diff:
            for name, (old, new) in sorted(e.pgh_diff.items()):
                if name not in HIDDEN:
                    field = fields.get(name)
                    label = capfirst(str(field.verbose_name)) if field else capfirst(name)
                    changes.append((label, _shown(field, old, people), _shown(field, new, people)))
            if not changes:
                continue
        related = apps.get_model(e.pgh_obj_model)
        whom = [people[v] for k, v in (e.pgh_data or {}).items()
                if k in SUBJECTS and _is_person(related, k) and v in people]  # fmt: skip
        if e.pgh_obj_model != model._meta.label:
            action = f"{RELATED_LABELS.get(e.pgh_label, e.pgh_label)} {related._meta.verbose_name}"
            if whom:
                action += f" ({', '.join(whom)})"
        else:
            action = LABELS.get(e.pgh_label, e.pgh_label)
            if whom and subjects:  # a trail of several people's records: say whose
                action += f" of {', '.join(whom)}"
        entries.append(Entry(e.pgh_created_at, who, action, changes))
    return entries


def _is_person(model, attname: str) -> bool:
    field = next((f for f in model._meta.concrete_fields if f.attname == attname), None)
    return bool(field and field.is_relation and field.related_model is get_user_model())


def _people_in(events, names: dict[int, str]) -> dict[int, str]:
    """The names of everyone an event's row points at (a successor, a nominee), one query."""
    wanted = set()
    for e in events:
        related = apps.get_model(e.pgh_obj_model)
        for key, value in (e.pgh_data or {}).items():
            if isinstance(value, int) and key in SUBJECTS and _is_person(related, key):
                wanted.add(value)
        for key, pair in (e.pgh_diff or {}).items():
            if _is_person(related, key):
                wanted.update(v for v in pair if isinstance(v, int))
    people = dict(names)
    missing = wanted - set(people)
    for u in get_user_model().objects.filter(pk__in=missing):
        people[u.pk] = u.get_full_name() or u.email
    return people


def _shown(field, value, people: dict[int, str]):
    """A recorded value in words: a choice's label, a UK date, a person's name."""
    if value is None or value == "" or field is None:
        return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, models.BooleanField):
        return "yes" if value else "no"
    if field.is_relation and field.related_model is get_user_model():
        return people.get(value, value)
    try:
        if isinstance(field, models.DateTimeField):
            when = timezone.localtime(datetime.fromisoformat(str(value)))
            return formats.date_format(when, "j M Y, H:i")
        if isinstance(field, models.DateField):
            return formats.date_format(date.fromisoformat(str(value)[:10]), "j M Y")
    except ValueError:
        return value
    return value


def history(obj, *, limit: int = 200) -> list[Entry]:
    return history_of_many(type(obj), [obj.pk], limit=limit)
