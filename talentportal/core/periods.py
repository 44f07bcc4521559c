"""Reporting periods shared by every capability."""

from datetime import date


def financial_year(day: date) -> tuple[date, date]:
    """The NHS financial year containing `day`: 1 April to 31 March, both inclusive."""
    start_year = day.year if day.month >= 4 else day.year - 1
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)
