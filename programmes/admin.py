from django.contrib import admin
from django.db import models

from .models import Cohort, CohortAllocation, Evaluation, Module, Programme, Session, Workstream

# Joining links typed without a scheme are https.
URL_HTTPS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Workstream)
class WorkstreamAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0


class SessionInline(admin.TabularInline):
    model = Session
    formfield_overrides = URL_HTTPS
    extra = 0
    fields = ["title", "module", "cohort", "starts_at", "ends_at", "venue", "joining_url",
              "capacity", "taken", "status"]  # fmt: skip
    readonly_fields = ["taken", "status"]
    show_change_link = True


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["title", "workstream", "format", "delivery", "published"]
    list_filter = ["published", "workstream", "format", "delivery", "pan_regional"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["eligible_sectors", "eligible_systems"]
    inlines = [ModuleInline, SessionInline]


class AllocationInline(admin.TabularInline):
    model = CohortAllocation
    extra = 0
    readonly_fields = ["taken"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "capacity", "taken", "cancelled"]
    list_select_related = ["programme"]
    readonly_fields = ["taken"]
    inlines = [AllocationInline]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    """Cancelling goes through the programme page so everyone booked is told."""

    list_display = ["__str__", "programme", "starts_at", "capacity", "taken", "status"]
    formfield_overrides = URL_HTTPS
    list_filter = ["status", "programme__workstream"]
    list_select_related = ["programme"]
    date_hierarchy = "starts_at"
    readonly_fields = ["taken", "status"]
    autocomplete_fields = ["facilitator"]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["booking", "rating", "approved_for_publication", "submitted_at"]
    list_filter = ["approved_for_publication", "rating"]
    readonly_fields = ["booking", "rating", "will_do_differently", "comments", "submitted_at"]
