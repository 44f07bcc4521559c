import django_tables2 as tables

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
        return record.get_full_name() or "—"

    def render_band(self, record):
        return record.profile.get_band_display()
