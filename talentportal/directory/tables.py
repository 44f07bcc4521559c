import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from .models import Organisation, User


class OrganisationTable(tables.Table):
    name = tables.Column()
    type = tables.Column(accessor="type__name", verbose_name="Type", order_by="type__name")
    system = tables.Column(
        accessor="system__name", verbose_name="Integrated care system", order_by="system__name"
    )

    class Meta:
        model = Organisation
        fields = ("name", "type", "system")
        orderable = True


class PersonTable(tables.Table):
    name = tables.Column(
        accessor="last_name", verbose_name="Name", order_by=("last_name", "first_name")
    )
    email = tables.Column()

    def __init__(self, *args, link_roles: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.link_roles = link_roles

    job_title = tables.Column(accessor="profile__job_title", verbose_name="Job title")
    organisation = tables.Column(
        accessor="profile__organisation__name",
        verbose_name="Organisation",
        order_by="profile__organisation__name",
    )
    band = tables.Column(accessor="profile__band", verbose_name="Band")

    class Meta:
        model = User
        fields = ("name", "email", "job_title", "organisation", "band")

    def render_name(self, record):
        name = record.get_full_name() or "—"
        if self.link_roles:
            url = reverse("directory:person_roles", kwargs={"pk": record.pk})
            return format_html('<a href="{}">{}</a>', url, name)
        return name

    def render_band(self, record):
        return record.profile.get_band_display()
