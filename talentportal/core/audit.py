"""Reading the audit trail that django-pghistory's triggers write (who, what, when).

Tracked models carry `@pghistory.track(...)`; the HistoryMiddleware records the signed-in
person as the context of every change made in a request. System administrators see the
whole trail in the admin site (Events); pages show one record's trail through `history`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils.text import capfirst
from pghistory.models import Events

LABELS = {"insert": "Created", "update": "Changed", "delete": "Deleted"}
HIDDEN = {"id", "updated_at"}


@dataclass
class Entry:
    when: datetime
    who: str
    action: str
    changes: list[tuple[str, object, object]] = field(default_factory=list)


def history_of_many(
    model, pks: list[int], *, referencing: bool = False, limit: int = 200
) -> list[Entry]:
    """The trail of some rows of one tracked model, newest first, in two queries; with
    `referencing`, also of tracked rows that point at them (a post's successors)."""
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
    verbose = {f.attname: str(f.verbose_name) for f in model._meta.concrete_fields}
    verbose.update({f.name: str(f.verbose_name) for f in model._meta.concrete_fields})
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
                    changes.append((capfirst(verbose.get(name, name)), old, new))
            if not changes:
                continue
        action = LABELS.get(e.pgh_label, e.pgh_label)
        if e.pgh_obj_model != model._meta.label:
            action = f"{action} ({apps.get_model(e.pgh_obj_model)._meta.verbose_name})"
        entries.append(Entry(e.pgh_created_at, who, action, changes))
    return entries


def history(obj, *, limit: int = 200) -> list[Entry]:
    return history_of_many(type(obj), [obj.pk], limit=limit)
