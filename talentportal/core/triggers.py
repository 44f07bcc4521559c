"""Change-log triggers for summary tables (reporting/summaries.py).

A summary sweep needs to know which people (or relationships, organisations ...) a write
touched since it last ran, whatever wrote it: a form, the admin, an import or raw SQL. A
trigger that inserts one row into an append-only log does that without touching any
counter; the sweep takes (deletes) the log's rows in the same statement that reads them.
"""

from __future__ import annotations

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
