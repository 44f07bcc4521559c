"""Reporting periods shared by every capability."""

from datetime import date


def financial_year(day: date) -> tuple[date, date]:
    """The NHS financial year containing `day`: 1 April to 31 March, both inclusive."""
    start_year = day.year if day.month >= 4 else day.year - 1
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


def financial_year_of(year: int) -> tuple[date, date]:
    """Year 2022 is 1 April 2022 to 31 March 2023, both inclusive."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def financial_year_instants(year: int):
    """[start, end) of a financial year as aware datetimes at midnight UK local time, so a
    session at 00:30 on 1 April belongs to the new year."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    return datetime(year, 4, 1, tzinfo=london), datetime(year + 1, 4, 1, tzinfo=london)
