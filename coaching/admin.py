from django.contrib import admin

from .models import Theme

# Practitioners, applications and relationships are managed on the portal's own pages,
# where confidentiality rules apply; only the list of themes is edited here.


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    search_fields = ["name"]
