from django.contrib import admin
from django.db import models
from django.utils import timezone

from .models import (
    AssessmentDimension,
    Cohort,
    CohortAllocation,
    Evaluation,
    Module,
    Programme,
    Session,
    Workstream,
)
from .services import target_save

# Joining links typed without a scheme are https.
URL_HTTPS = {models.URLField: {"assume_scheme": "https"}}


def _save_keeping_counters(obj, change: bool) -> None:
    """Save an edited row through the rule the team's pages use (services.target_save for a
    session or cohort: `taken` never written back, capacity not below it, new places offered,
    booked people told of a new time or place)."""
    if isinstance(obj, Session | Cohort):
        if not change:
            target_save(target=obj, fields={}, now=timezone.now())
            return
        fields = {f.name: getattr(obj, f.name) for f in obj._meta.concrete_fields
                  if not f.primary_key and f.name != "taken"}  # fmt: skip
        # A refusal (capacity below places taken since the form was read) is an
        # ApplicationError: ApplicationErrorMiddleware shows it as a message.
        target_save(target=type(obj).objects.get(pk=obj.pk), fields=fields, now=timezone.now())
        return
    if not change:
        obj.save()
        return
    fields = [f.name for f in obj._meta.concrete_fields if not f.primary_key and f.name != "taken"]
    obj.save(update_fields=fields)


class CounterSafeAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        _save_keeping_counters(obj, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in instances:
            _save_keeping_counters(obj, obj.pk is not None and not obj._state.adding)
        formset.save_m2m()


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


class DimensionInline(admin.TabularInline):
    """The before-and-after self-assessment: dimensions rated 1 to 5."""

    model = AssessmentDimension
    extra = 0
    verbose_name = "self-assessment dimension"


@admin.register(Programme)
class ProgrammeAdmin(CounterSafeAdmin):
    list_display = ["title", "workstream", "format", "delivery", "published"]
    list_filter = ["published", "workstream", "format", "delivery", "pan_regional"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["eligible_sectors", "eligible_systems"]
    inlines = [ModuleInline, SessionInline, DimensionInline]


class AllocationInline(admin.TabularInline):
    model = CohortAllocation
    extra = 0
    readonly_fields = ["taken"]


@admin.register(Cohort)
class CohortAdmin(CounterSafeAdmin):
    list_display = ["name", "programme", "capacity", "taken", "cancelled"]
    list_select_related = ["programme"]
    # Cancelling a cohort goes through the programme page, so everyone booked is told.
    readonly_fields = ["taken", "cancelled"]
    inlines = [AllocationInline]


@admin.register(Session)
class SessionAdmin(CounterSafeAdmin):
    """Cancelling goes through the programme page so everyone booked is told."""

    list_display = ["__str__", "programme", "starts_at", "capacity", "taken", "status"]
    formfield_overrides = URL_HTTPS
    list_filter = ["status", "programme__workstream"]
    list_select_related = ["programme"]
    date_hierarchy = "starts_at"
    readonly_fields = ["taken", "status"]
    autocomplete_fields = ["facilitator"]

    def get_readonly_fields(self, request, obj=None):
        # Moving a booked session into or out of a cohort would strand its bookings.
        if obj is not None and obj.register_entries.exists():
            return [*self.readonly_fields, "cohort", "programme"]
        return self.readonly_fields


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["booking", "rating", "approved_for_publication", "submitted_at"]
    list_filter = ["approved_for_publication", "rating"]
    readonly_fields = ["booking", "rating", "will_do_differently", "comments", "submitted_at"]
