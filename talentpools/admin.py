"""Scheme records in the admin site: the academy team sees all of them; a scheme manager
only their own scheme's cohorts, participants, trainees and bids."""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils import timezone

from talentportal.core.errors import ApplicationError
from talentportal.directory.models import Scheme

from . import permissions, services
from .models import (
    Milestone,
    PlacementBid,
    SchemeCohort,
    SchemeParticipant,
    Trainee,
    TraineePlacement,
    WorkforceBaseline,
)


class SchemeScopedAdmin(admin.ModelAdmin):
    """Rows filtered to the schemes the signed-in person manages (`scheme_path` to it)."""

    scheme_path: str

    def get_queryset(self, request):
        schemes = permissions.managed_schemes(request.user)
        qs = super().get_queryset(request)
        if self.scheme_path == "gmts":
            return qs if Scheme.GMTS in schemes else qs.none()
        return qs.filter(Q(**{f"{self.scheme_path}__in": schemes}))

    def _may_write(self, request, obj=None) -> bool:
        if self.scheme_path == "gmts":
            return Scheme.GMTS in permissions.managed_schemes(request.user)
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return super().has_add_permission(request) and self._may_write(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_write(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cohort":
            kwargs["queryset"] = SchemeCohort.objects.filter(
                scheme__in=permissions.managed_schemes(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "scheme":
            managed = permissions.managed_schemes(request.user)
            kwargs["choices"] = [c for c in db_field.choices if c[0] in managed]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


def _rule(check, **kwargs) -> None:
    """A talent service rule, as a form error."""
    try:
        check(**kwargs)
    except ApplicationError as exc:
        raise forms.ValidationError(exc.message) from None


class CohortForm(forms.ModelForm):
    class Meta:
        model = SchemeCohort
        fields = ["scheme", "name", "starts_on", "ends_on", "systems"]

    def clean(self):
        data = super().clean()
        if data.get("scheme") and data.get("starts_on") and data.get("ends_on"):
            _rule(
                services.scheme_cohort_validate,
                scheme=data["scheme"], starts_on=data["starts_on"], ends_on=data["ends_on"],
            )  # fmt: skip
        return data


class ParticipantForm(forms.ModelForm):
    by = None  # who saves the place (the admin sets it per request)

    class Meta:
        model = SchemeParticipant
        fields = [
            "cohort", "person", "target_role", "status", "left_on", "coach", "mentor", "sponsor",
            "action_learning_facilitator", "outcome", "outcome_on", "outcome_role",
            "outcome_organisation",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("cohort") and data.get("person"):
            _rule(
                services.scheme_participant_validate,
                cohort=data["cohort"], person=data["person"], by=self.by,
            )  # fmt: skip
        return data

    def save(self, commit=True):
        services.scheme_place_record_system(
            participant=self.instance, person_changed="person" in self.changed_data
        )
        return super().save(commit)


class ParticipantInline(admin.TabularInline):
    model = SchemeParticipant
    form = ParticipantForm
    fields = ["person", "target_role", "status", "outcome", "outcome_on"]
    raw_id_fields = ["person"]
    extra = 0
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = _form_by(self.form, request)
        return super().get_formset(request, obj, **kwargs)


def _form_by(form, request):
    """A scheme place's form knowing who saves it, so nobody gives themselves a place."""
    return type(form.__name__, (form,), {"by": request.user})


@admin.register(SchemeCohort)
class SchemeCohortAdmin(SchemeScopedAdmin):
    form = CohortForm
    scheme_path = "scheme"
    list_display = ["name", "scheme", "starts_on", "ends_on"]
    list_filter = ["scheme"]
    filter_horizontal = ["systems"]
    inlines = [ParticipantInline]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 1


@admin.register(SchemeParticipant)
class SchemeParticipantAdmin(SchemeScopedAdmin):
    form = ParticipantForm
    scheme_path = "cohort__scheme"
    list_display = ["person", "cohort", "status", "outcome"]
    list_filter = ["cohort__scheme", "status", "outcome"]
    list_select_related = ["person", "cohort"]
    search_fields = ["person__email", "person__last_name"]
    raw_id_fields = ["person"]
    readonly_fields = ["system"]
    inlines = [MilestoneInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = _form_by(self.form, request)
        return super().get_form(request, obj, change, **kwargs)


class PlacementInline(admin.TabularInline):
    model = TraineePlacement
    extra = 1
    raw_id_fields = ["organisation"]


class TraineeForm(forms.ModelForm):
    by = None  # who saves the trainee place (the admin sets it per request)

    class Meta:
        model = Trainee
        fields = [
            "person", "intake", "specialism", "host_organisation", "support_manager", "status",
            "completed_on", "destination",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("person"):
            _rule(services.trainee_validate, person=data["person"], by=self.by)
        return data


@admin.register(Trainee)
class TraineeAdmin(SchemeScopedAdmin):
    form = TraineeForm
    scheme_path = "gmts"
    list_display = ["person", "intake", "specialism", "host_organisation", "status"]
    list_filter = ["intake", "specialism", "status"]
    list_select_related = ["person", "host_organisation"]
    search_fields = ["person__email", "person__last_name"]
    raw_id_fields = ["person", "host_organisation"]
    inlines = [PlacementInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = _form_by(self.form, request)
        return super().get_form(request, obj, change, **kwargs)


@admin.register(PlacementBid)
class PlacementBidAdmin(SchemeScopedAdmin):
    scheme_path = "gmts"
    list_display = ["organisation", "intake", "specialism", "places", "review"]
    list_filter = ["intake", "review", "specialism"]
    list_select_related = ["organisation"]
    raw_id_fields = ["organisation"]
    readonly_fields = ["reviewed_by", "reviewed_on"]

    def save_model(self, request, obj, form, change):
        if "review" in form.changed_data:
            services.bid_review_record(bid=obj, by=request.user, today=timezone.localdate())
        super().save_model(request, obj, form, change)


@admin.register(WorkforceBaseline)
class WorkforceBaselineAdmin(admin.ModelAdmin):
    list_display = ["dimension", "category", "percent", "source"]
    list_filter = ["dimension"]
