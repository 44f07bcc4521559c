import django_filters
from django.db.models import Q

from .models import IntegratedCareSystem, Organisation, OrganisationType, User


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Name")
    system = django_filters.ModelChoiceFilter(
        queryset=IntegratedCareSystem.objects.order_by("name"),
        label="Integrated care system",
        empty_label="Any system",
    )
    type = django_filters.ModelChoiceFilter(
        queryset=OrganisationType.objects.order_by("name"), label="Type", empty_label="Any type"
    )

    class Meta:
        model = Organisation
        fields = ["q", "system", "type"]


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Name or email")
    system = django_filters.ModelChoiceFilter(
        queryset=IntegratedCareSystem.objects.order_by("name"),
        field_name="profile__organisation__system",
        label="Integrated care system",
        empty_label="Any system",
    )

    class Meta:
        model = User
        fields = ["q", "system"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(email__icontains=value)
        )
