import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from talentportal.core.forms import NHSDateField
from talentportal.directory.models import Profile

from .models import Delivery, Format, Programme, Workstream
from .selectors import next_date_subquery, programme_eligible_filter


class NHSDateFilter(django_filters.DateFilter):
    field_class = NHSDateField


class CatalogueForm(forms.Form):
    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", "Dates to must be the same as or after dates from")
        return data


class CatalogueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    workstream = django_filters.ModelChoiceFilter(
        queryset=Workstream.objects.all(), empty_label="Any workstream"
    )
    format = django_filters.ChoiceFilter(choices=Format.choices, empty_label="Any format")
    delivery = django_filters.ChoiceFilter(choices=Delivery.choices, empty_label="Any delivery")
    date_from = NHSDateFilter(method="dates_from", label="Dates from")
    date_to = NHSDateFilter(method="dates_to", label="Dates to")
    eligible = django_filters.BooleanFilter(
        method="only_eligible",
        label="Only what I am eligible for",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Programme
        fields = ["q", "workstream", "format", "delivery", "date_from", "date_to", "eligible"]
        form = CatalogueForm

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))

    def dates_from(self, queryset, name, value):
        return queryset  # applied with date_to in filter_queryset: one session, both bounds

    dates_to = dates_from

    def filter_queryset(self, queryset):
        """With dates, only programmes with a date inside them, and "Next date" is the
        next one inside them (not the programme's next date of all)."""
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("date_from") or data.get("date_to"):
            queryset = queryset.annotate(
                next_date=next_date_subquery(
                    now=timezone.now(), first_day=data.get("date_from"),
                    last_day=data.get("date_to"),
                )
            ).filter(next_date__isnull=False)  # fmt: skip
        return queryset

    def only_eligible(self, queryset, name, value):
        if not value:
            return queryset
        profile = (
            Profile.objects.select_related("organisation").filter(user=self.request.user).first()
        )
        return programme_eligible_filter(queryset, profile=profile)
