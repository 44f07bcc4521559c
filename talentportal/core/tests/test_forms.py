"""The NHS.UK date input: three fields in, one date out, what was typed kept on an error."""

import importlib
import inspect
from datetime import date

import django_filters
import pytest
from django import forms
from django.apps import apps

from talentportal.core.forms import NHSDateField


class When(forms.Form):
    held_on = NHSDateField(label="Date")


def _post(day, month, year):
    return When({"held_on_day": day, "held_on_month": month, "held_on_year": year})


def test_three_fields_make_one_date():
    form = _post("1", "12", "2026")
    assert form.is_valid()
    assert form.cleaned_data["held_on"] == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "12", "2026", "Date must include a day"),
        ("1", "", "", "Date must include a month and year"),
        ("31", "2", "2026", "Date must be a real date"),
        ("1", "12", "26", "Date must be a real date"),
        ("x", "12", "2026", "Date must be a real date"),
        ("", "", "", "Enter a date"),
    ],
)
def test_a_date_that_is_not_whole_or_real_says_what_is_wrong_and_keeps_what_was_typed(
    day, month, year, message
):
    form = _post(day, month, year)
    assert not form.is_valid()
    assert form.errors["held_on"] == [message]
    html = str(form["held_on"])
    for name, typed in (("day", day), ("month", month), ("year", year)):
        if typed:
            assert f'name="held_on_{name}" type="text" inputmode="numeric" value="{typed}"' in html


def test_an_initial_date_fills_the_three_fields_and_the_label_points_at_the_day():
    form = When(initial={"held_on": date(2026, 12, 1)})
    html = str(form["held_on"].as_field_group())
    assert (
        'id="id_held_on_day" name="held_on_day" type="text" inputmode="numeric" value="1"' in html
    )
    assert 'name="held_on_month" type="text" inputmode="numeric" value="12"' in html
    assert 'name="held_on_year" type="text" inputmode="numeric" value="2026"' in html
    assert 'type="date"' not in html
    assert form["held_on"].id_for_label == "id_held_on_day"


def test_a_link_may_carry_one_iso_date():
    form = When({"held_on": "2027-01-31"})
    assert form.is_valid()
    assert form.cleaned_data["held_on"] == date(2027, 1, 31)


def _project_forms():
    for config in apps.get_app_configs():
        if not config.name.startswith(("talentportal", "programmes", "coaching", "talentpools",
                                       "reporting")):  # fmt: skip
            continue
        for module_name in ("forms", "filters"):
            try:
                module = importlib.import_module(f"{config.name}.{module_name}")
            except ModuleNotFoundError:
                continue
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__:
                    yield cls


def test_every_date_a_person_enters_uses_the_nhs_date_input():
    """Not a browser's own date picker, which shows a value in any other format as empty."""
    seen, wrong = 0, []
    for cls in _project_forms():
        if issubclass(cls, django_filters.FilterSet):
            fields = {name: f.field for name, f in cls.base_filters.items()}
        elif issubclass(cls, forms.BaseForm):
            fields = cls.base_fields
        else:
            continue
        for name, field in fields.items():
            if isinstance(field, forms.DateField):
                seen += 1
                if not isinstance(field, NHSDateField):
                    wrong.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert seen >= 10
    assert wrong == []


def test_figures_read_as_people_write_them():
    from decimal import Decimal

    from talentportal.core.templatetags.portal import amount, financial_year

    assert [amount(v) for v in (Decimal("412.00"), Decimal("1.50"), 1.25, 12345, None)] == [
        "412", "1.5", "1.25", "12,345", "–",
    ]  # fmt: skip
    assert financial_year(2026) == "2026/27" and financial_year("1999") == "1999/00"
