from django import forms
from django.urls import reverse_lazy

from talentportal.core.forms import NHSDateField, PersonPickerField, person_label
from talentportal.directory.models import Organisation

from .models import (
    LeaveReason,
    NominationStatus,
    Post,
    Readiness,
    RoleFamily,
    SuccessorReadiness,
)


def _date(label: str, **kwargs) -> NHSDateField:
    return NHSDateField(label=label, **kwargs)


class PersonChoiceField(forms.ModelChoiceField):
    """A person from a short list (a review's people): name, job title and organisation."""

    def label_from_instance(self, obj):
        return person_label(obj)


class NominationForm(forms.Form):
    """A talent lead's nomination (with `nominee`) or a self-nomination (without)."""

    nominee = PersonPickerField(
        queryset=None, label="Who are you nominating?",
        help_text="Type 3 or more letters of their name.",
        search_url=reverse_lazy("talentpools:person_search", args=["nominee"]),
        error_messages={"required": "Choose who you are nominating"},
    )  # fmt: skip
    role_family = forms.ChoiceField(
        choices=[("", "Choose a role")] + RoleFamily.choices, label="Target director role",
        error_messages={"required": "Choose the target director role"},
    )  # fmt: skip
    readiness = forms.ChoiceField(
        choices=Readiness.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose how ready they are"},
    )  # fmt: skip
    evidence = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), max_length=5000, label="Evidence statement",
        help_text="How they already work at director level, with examples.",
        error_messages={"required": "Write the evidence statement"},
    )  # fmt: skip
    sponsor_name = forms.CharField(max_length=200, label="Executive sponsor's name")
    sponsor_job_title = forms.CharField(max_length=200, label="Executive sponsor's job title")
    sponsor_endorsed = forms.BooleanField(
        label="The executive sponsor endorses this nomination",
        error_messages={"required": "An executive sponsor must endorse the nomination"},
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is None:
            del self.fields["nominee"]
            self.fields["evidence"].help_text = "How you already work at director level."
        else:
            self.fields["nominee"].queryset = people


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        choices=[c for c in NominationStatus.choices if c[0] != NominationStatus.SUBMITTED],
        widget=forms.RadioSelect, label="Decision",
        error_messages={"required": "Choose a decision"},
    )  # fmt: skip
    feedback = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False,
        help_text="Required for 'not yet'. The nominee reads it.",
    )  # fmt: skip


class WindowForm(forms.Form):
    name = forms.CharField(max_length=150)
    opens_on = _date("Opens on")
    closes_on = _date("Closes on")


class WindowUpdateForm(forms.Form):
    name = forms.CharField(max_length=150)
    closes_on = _date("Closes on", help_text="A close date can only move later.")


class LeaveForm(forms.Form):
    left_on = _date("Left on")
    reason = forms.ChoiceField(choices=LeaveReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(max_length=300, required=False)


class ConversationForm(forms.Form):
    held_on = _date("Date")
    held_with = forms.CharField(max_length=200, label="With")
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class VacancyForm(forms.Form):
    title = forms.CharField(max_length=200)
    role_family = forms.ChoiceField(
        choices=[("", "Choose a role")] + RoleFamily.choices, label="Role family"
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.select_related("system"),
        empty_label="Choose the organisation",
    )
    closes_on = _date("Closing date")
    link = forms.URLField(
        max_length=200, required=False, label="Link to the advert", assume_scheme="https"
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False
    )


class ReviewForm(forms.Form):
    name = forms.CharField(max_length=150)
    held_on = _date("Held on")
    organisation = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Not one organisation"
    )
    system = forms.ModelChoiceField(queryset=None, required=False, empty_label="Not a whole system")

    def __init__(self, *args, organisations, systems, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["system"].queryset = systems
        self.fields["system"].help_text = "Choose an organisation or a whole system, not both."

    def clean(self):
        data = super().clean()
        if bool(data.get("organisation")) == bool(data.get("system")):
            raise forms.ValidationError("Choose either one organisation or one whole system.")
        return data


GRID_CHOICES = [(3, "3 – high"), (2, "2 – moderate"), (1, "1 – low")]


class PlacementForm(forms.Form):
    """No rating is chosen for the reviewer: a default would place people unseen."""

    person = PersonChoiceField(
        queryset=None, empty_label="Choose a person",
        error_messages={"required": "Choose who you are placing"},
    )  # fmt: skip
    performance = forms.TypedChoiceField(
        coerce=int, choices=GRID_CHOICES, widget=forms.RadioSelect,
        error_messages={"required": "Choose a performance rating"},
    )  # fmt: skip
    potential = forms.TypedChoiceField(
        coerce=int, choices=GRID_CHOICES, widget=forms.RadioSelect,
        error_messages={"required": "Choose a potential rating"},
    )  # fmt: skip
    note = forms.CharField(max_length=500, required=False, label="Calibration note")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class PostForm(forms.Form):
    post = forms.ChoiceField(choices=Post.choices, widget=forms.HiddenInput)
    incumbent = forms.CharField(
        max_length=200, required=False, help_text="Leave blank when the post is vacant."
    )
    likely_to_leave = forms.BooleanField(
        required=False, label="The incumbent is likely to leave within a year"
    )


class SuccessorForm(forms.Form):
    post = forms.ChoiceField(choices=Post.choices, widget=forms.HiddenInput)
    person = PersonPickerField(
        queryset=None, label="Successor", help_text="Type 3 or more letters of their name.",
        search_url=reverse_lazy("talentpools:person_search", args=["successor"]),
        error_messages={"required": "Choose the successor"},
    )  # fmt: skip
    readiness = forms.ChoiceField(choices=SuccessorReadiness.choices)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
