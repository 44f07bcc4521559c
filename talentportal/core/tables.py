"""Helpers for list pages and exports shared by every app."""

PAGE_SIZES = {25, 50, 100}


def spreadsheet_safe(value) -> str:
    """A cell that Excel or LibreOffice will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


class BoundedPaginationMixin:
    """django-tables2 lets `?per_page=` choose the page size: keep it to a few sizes, so
    no request can ask for everything at once (or for a negative page size)."""

    def get(self, request, *args, **kwargs):
        per_page = request.GET.get("per_page")
        if per_page is not None and not (per_page.isdigit() and int(per_page) in PAGE_SIZES):
            request.GET = request.GET.copy()
            del request.GET["per_page"]
        return super().get(request, *args, **kwargs)
