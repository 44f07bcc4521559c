"""Helpers for list pages and exports shared by every app."""

import re
from decimal import Decimal

PAGE_SIZES = {25, 50, 100}
# A plain number as a spreadsheet reads one: an optional sign, digits with an optional
# decimal point, an optional exponent. Nothing else ("-inf", "-1+2", "-A1") passes.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def spreadsheet_safe(value) -> str | int | float | Decimal:
    """A cell that Excel or LibreOffice will never run as a formula: text starting with
    = + - @, a tab or a carriage return gets a leading apostrophe (shown as text). A
    number, or text that is a plain number, is left as it is, so -1.5 stays a number."""
    if isinstance(value, int | float | Decimal) and _PLAIN_NUMBER.fullmatch(str(value)):
        return value
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class BoundedPaginationMixin:
    """django-tables2 lets `?per_page=` choose the page size: keep it to a few sizes, so
    no request can ask for everything at once (or for a negative page size). `?sort=` is
    kept to the table's own column names (an accessor path typed into the address bar is
    dropped, never followed)."""

    def get(self, request, *args, **kwargs):
        self.bound_list_query(request)
        return super().get(request, *args, **kwargs)

    def bound_list_query(self, request) -> None:
        """Drop from `request.GET` a page size or sort order the table does not offer."""
        drop = []
        per_page = request.GET.get("per_page")
        if per_page is not None and not (per_page.isdigit() and int(per_page) in PAGE_SIZES):
            drop.append("per_page")
        sort = request.GET.get("sort")
        columns = set(self.table_class.base_columns) if self.table_class else set()
        if sort is not None and not all(p.lstrip("-") in columns for p in sort.split(",") if p):
            drop.append("sort")
        if drop:
            request.GET = request.GET.copy()
            for name in drop:
                del request.GET[name]
