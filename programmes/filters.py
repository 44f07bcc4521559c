import django_filters
from django import forms
from django.db.models import Q

from talentportal.core.forms import NHSDateField
from talentportal.directory.models import Profile

from .models import Delivery, Format, Programme, Session, Workstream
from .selectors import programme_eligible_filter


class NHSDateFilter(django_filters.DateFilter):
    field_class = NHSDateField


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

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))

    def dates_from(self, queryset, name, value):
        return queryset  # applied with date_to in filter_queryset: one session, both bounds

    dates_to = dates_from

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        lookups = {}
        if data.get("date_from"):
            lookups["starts_at__date__gte"] = data["date_from"]
        if data.get("date_to"):
            lookups["starts_at__date__lte"] = data["date_to"]
        if lookups:
            ids = Session.objects.filter(status=Session.Status.SCHEDULED, **lookups).values(
                "programme_id"
            )
            queryset = queryset.filter(pk__in=ids)
        return queryset

    def only_eligible(self, queryset, name, value):
        if not value:
            return queryset
        profile = (
            Profile.objects.select_related("organisation").filter(user=self.request.user).first()
        )
        return programme_eligible_filter(queryset, profile=profile)
