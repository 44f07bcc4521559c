import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from .models import Programme


class CatalogueTable(tables.Table):
    title = tables.Column(verbose_name="Programme")
    workstream = tables.Column(accessor="workstream__name", verbose_name="Workstream")
    format = tables.Column()
    delivery = tables.Column()
    next_date = tables.Column(verbose_name="Next date", order_by=("next_date",))

    class Meta:
        model = Programme
        fields = ("title", "workstream", "format", "delivery", "next_date")
        empty_text = "No programmes match. Try removing a filter."

    def render_title(self, record):
        url = reverse("programmes:programme_detail", kwargs={"slug": record.slug})
        return format_html('<a href="{}">{}</a>', url, record.title)

    def render_next_date(self, value):
        return f"{timezone.localtime(value):%-d %b %Y}"
