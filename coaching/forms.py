from decimal import Decimal

from django import forms

from talentportal.core.forms import RATING_CHOICES, NHSDateField
from talentportal.core.storage import check_upload_content
from talentportal.directory.models import OrganisationType

from .models import DevelopmentRecord, Kind, Mode, Theme
from .models import _evidence_size as evidence_size

HOURS = [(Decimal(q) / 4, f"{q / 4:g} hour{'s' if q != 4 else ''}") for q in range(1, 17)]


class ApplicationForm(forms.Form):
    goals = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="What would you like to achieve?",
        error_messages={"required": "Tell us what you would like to achieve"},
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.all(), widget=forms.CheckboxSelectMultiple, required=False,
        label="Which themes matter most to you?",
    )  # fmt: skip
    mode = forms.ChoiceField(
        choices=[("", "No preference"), *Mode.choices],
        required=False,
        label="How would you like to meet?",
    )
    language = forms.CharField(max_length=40, required=False, label="Preferred language (optional)")
    prefers_other_system = forms.BooleanField(
        required=False, label="I would prefer someone from another integrated care system"
    )
    line_manager_agrees = forms.BooleanField(
        required=False, label="My line manager agrees to me taking part"
    )


class PractitionerForm(forms.Form):
    coaches = forms.BooleanField(required=False, label="I offer coaching")
    mentors = forms.BooleanField(required=False, label="I offer mentoring")
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.all(), widget=forms.CheckboxSelectMultiple, required=False,
        label="Themes you work on",
    )  # fmt: skip
    modes = forms.MultipleChoiceField(
        choices=Mode.choices, widget=forms.CheckboxSelectMultiple, label="How you can meet",
        error_messages={"required": "Choose at least one way to meet"},
    )  # fmt: skip
    languages = forms.CharField(
        max_length=200, required=False, help_text="Separate languages with commas."
    )
    sectors = forms.ModelMultipleChoiceField(
        queryset=OrganisationType.objects.all(), widget=forms.CheckboxSelectMultiple,
        required=False, label="Sectors you know well",
    )  # fmt: skip
    capacity = forms.IntegerField(
        min_value=1, max_value=10, initial=2, label="Most clients at once"
    )
    experience = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    biography = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Short biography"
    )

    def clean_languages(self):
        return [x.strip() for x in self.cleaned_data["languages"].split(",") if x.strip()]

    def clean(self):
        data = super().clean()
        if "coaches" in self.fields and not (data.get("coaches") or data.get("mentors")):
            raise forms.ValidationError("Choose coaching, mentoring or both.")
        return data


class PractitionerUpdateForm(PractitionerForm):
    is_open = forms.BooleanField(required=False, label="Open to new clients")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["coaches"]
        del self.fields["mentors"]


class QualificationForm(forms.Form):
    body = forms.CharField(max_length=200, label="Awarding body")
    level = forms.CharField(max_length=100)
    awarded_on = NHSDateField(label="Awarded on")
    evidence = forms.FileField(
        required=False, help_text="A PDF or image of the certificate, 5 MB at most."
    )

    def clean_evidence(self):
        """The content must be what the name says (a PDF, PNG or JPEG), not only the
        extension (the model's validators check that, and the size, again on saving). The
        size is checked first, so no large file is ever parsed."""
        upload = self.cleaned_data.get("evidence")
        if upload:
            evidence_size(upload)
            check_upload_content(upload)
        return upload


class DevelopmentForm(forms.Form):
    type = forms.ChoiceField(choices=DevelopmentRecord.Type.choices, widget=forms.RadioSelect)
    held_on = NHSDateField(label="Date")
    hours = forms.DecimalField(min_value=Decimal("0.25"), max_value=100, decimal_places=2)
    description = forms.CharField(max_length=300, required=False)


class SessionForm(forms.Form):
    held_on = NHSDateField(label="Date")
    hours = forms.TypedChoiceField(
        choices=HOURS, coerce=Decimal, label="Duration", initial=Decimal(1)
    )
    mode = forms.ChoiceField(choices=Mode.choices, widget=forms.RadioSelect)
    second_on_the_day = forms.BooleanField(
        required=False, label="Yes, log a second session on this day"
    )

    def __init__(self, *args, same_day: bool = False, **kwargs):
        """The confirmation is asked for only once a session on that day is found."""
        super().__init__(*args, **kwargs)
        if not same_day:
            self.fields["second_on_the_day"].widget = forms.HiddenInput()


class ContractForm(forms.Form):
    goals = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Agreed goals")
    agreed_sessions = forms.IntegerField(min_value=1, max_value=50, required=False)


class MessageForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Message", max_length=10_000
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Private note",
        help_text="Only you can see your notes: not the client, not the team.",
    )  # fmt: skip


class EvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(
        coerce=int, widget=forms.RadioSelect, label="Overall, how was it?",
        choices=RATING_CHOICES,
    )  # fmt: skip
    comments = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CohortMatchForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="e.g. Executive Director Pathway cohort 4")
    kind = forms.ChoiceField(choices=Kind.choices, widget=forms.RadioSelect)
    applications = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Approved applications to match"
    )

    def __init__(self, *args, applications=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = applications
