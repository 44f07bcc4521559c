"""Triggers the portal writes itself: change logs for summary tables
(reporting/summaries.py), and audit-trail trackers that withhold confidential text.

A summary sweep needs to know which people (or relationships, organisations ...) a write
touched since it last ran, whatever wrote it: a form, the admin, an import or raw SQL. A
trigger that inserts one row into an append-only log does that without touching any
counter; the sweep takes (deletes) the log's rows in the same statement that reads them.
"""

from __future__ import annotations

import pghistory
import pghistory.trigger
import pgtrigger


def log_changes(
    *,
    name: str,
    log: str,
    columns: dict[str, str],
    watched: tuple[str, ...],
    operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
) -> pgtrigger.Trigger:
    """AFTER `operation` (insert, update and delete by default): insert into table `log`
    one row for the old and one for the new version of the changed row. `columns` maps
    the log's columns to expressions of the row written `{row}.column`; an UPDATE that
    leaves every `watched` column as it was logs nothing."""
    names = ", ".join(columns)

    def values(row: str) -> str:
        return ", ".join(expression.format(row=row) for expression in columns.values())

    unchanged = " AND ".join(f"OLD.{f} IS NOT DISTINCT FROM NEW.{f}" for f in watched)
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.After,
        operation=operation,
        func=f"""
            IF TG_OP = 'UPDATE' AND {unchanged} THEN RETURN NULL; END IF;
            IF TG_OP <> 'INSERT' THEN
                INSERT INTO {log} ({names}) VALUES ({values("OLD")});
            END IF;
            IF TG_OP <> 'DELETE' THEN
                INSERT INTO {log} ({names}) VALUES ({values("NEW")});
            END IF;
            RETURN NULL;
        """,  # noqa: S608 (table and column names come from model definitions)
    )


# The audit trail (django-pghistory) ---------------------------------------------------------

WITHHELD = "withheld"
_VERSION = "version ([0-9]+)"


def _withheld(column: str, *, row: str, event_table: str, operation: str) -> str:
    """What an audit event keeps of free text written in confidence: '' when there is none,
    else 'withheld (version N)', N going up by one each time the words change. Never the
    words, nor anything computed from them (a hash of a short reason is easily guessed);
    but consecutive events differ exactly when the text changed, so the trail's diff still
    says that it changed, who changed it and when."""
    col = f'"{column}"'
    earlier = f'FROM "{event_table}" e WHERE e.pgh_obj_id = {row}."id"'
    latest = f"(SELECT e.{col} {earlier} ORDER BY e.pgh_id DESC LIMIT 1)"
    unchanged = f"COALESCE(NULLIF({latest}, ''), '{WITHHELD}')"
    # Table and column names come from model definitions, never from input.
    last_version = f"(SELECT max(substring(e.{col} FROM '{_VERSION}')::int) {earlier})"  # noqa: S608
    new_version = f"'{WITHHELD} (version ' || (1 + COALESCE({last_version}, 0)) || ')'"
    empty = f"COALESCE({row}.{col}, '') = ''"
    if operation not in ("insert", "update", "delete"):
        raise ValueError(f"an audit event is written on insert, update or delete, not {operation}")
    if operation == "insert":
        return f"CASE WHEN {empty} THEN '' ELSE {new_version} END"
    if operation == "delete":
        return f"CASE WHEN {empty} THEN '' ELSE {unchanged} END"
    return (
        f"CASE WHEN {empty} THEN '' WHEN OLD.{col} IS NOT DISTINCT FROM NEW.{col} "
        f"THEN {unchanged} ELSE {new_version} END"
    )


class _WithholdingEvent(pghistory.trigger.Event):
    """pghistory's event trigger, but the `withheld` columns go through `_withheld`."""

    def __init__(self, *, withheld: tuple[str, ...], **kwargs):
        self.withheld = withheld
        super().__init__(**kwargs)

    def get_func(self, model):
        sql = super().get_func(model).func
        operation = str(self.operation).lower()  # one of insert, update, delete
        for column in self.withheld:
            copied = f'{self.row}."{column}"'
            if sql.count(copied) != 1:  # pghistory changed how it writes the row
                raise AssertionError(f"cannot withhold {column} from {sql}")
            sql = sql.replace(
                copied,
                _withheld(
                    column,
                    row=self.row,
                    event_table=self.event_model._meta.db_table,
                    operation=operation,
                ),
            )
        return pgtrigger.Func(sql)


def _withholding(tracker: type[pghistory.RowEvent], withheld: tuple[str, ...]):
    class Withholding(tracker):
        def add_event_trigger(self, event_model):
            pgtrigger.register(
                _WithholdingEvent(
                    withheld=withheld,
                    event_model=event_model,
                    label=self.label,
                    name=self.trigger_name,
                    row=self.row,
                    operation=self.operation,
                    condition=self.condition,
                    level=self.level,
                )
            )(event_model.pgh_tracked_model)

    return Withholding()


def audited(*, withheld: tuple[str, ...] = ()):
    """Track every insert, update and delete of a model in the audit trail (who, what,
    when), keeping of each `withheld` column (free text written in confidence, which the
    people reading the trail may not see elsewhere) only that it changed."""
    return pghistory.track(
        *(
            _withholding(tracker, withheld)
            for tracker in (pghistory.InsertEvent, pghistory.UpdateEvent, pghistory.DeleteEvent)
        )
    )
