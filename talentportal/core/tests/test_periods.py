from datetime import date

from talentportal.core.periods import financial_year


def test_the_financial_year_runs_from_1_april_to_31_march():
    assert financial_year(date(2023, 3, 31)) == (date(2022, 4, 1), date(2023, 3, 31))
    assert financial_year(date(2023, 4, 1)) == (date(2023, 4, 1), date(2024, 3, 31))
    assert financial_year(date(2024, 2, 29)) == (date(2023, 4, 1), date(2024, 3, 31))
