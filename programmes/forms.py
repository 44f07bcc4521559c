from django import forms

from talentportal.core.forms import RATING_CHOICES, NHSDateField
from talentportal.directory.forms import EqualityForm
from talentportal.directory.models import Band, StaffGroup

from .models import Evaluation, Programme


class BookingForm(EqualityForm):
    """Equality monitoring confirmed at booking: prefilled from the profile, changeable."""


class EvaluationForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        coerce=int,
        choices=RATING_CHOICES,
        widget=forms.RadioSelect,
        label="Overall, how would you rate it?",
        error_messages={"required": "Choose a rating from 1 to 5"},
    )

    class Meta:
        model = Evaluation
        fields = ["rating", "will_do_differently", "comments"]
        labels = {
            "will_do_differently": "What will you do differently as a result?",
            "comments": "Anything else you would like to tell us?",
        }
        help_texts = {
            "comments": (
                "The academy may quote comments anonymously, without your name, "
                "in its annual review."
            ),
        }
        widgets = {
            "will_do_differently": forms.Textarea(attrs={"rows": 4}),
            "comments": forms.Textarea(attrs={"rows": 4}),
        }


class WaitlistMoveForm(forms.Form):
    position = forms.IntegerField(min_value=1, max_value=10_000, label="New position")


SELF_RATINGS = [(5, "5 – very strong"), (4, "4"), (3, "3"), (2, "2"), (1, "1 – not yet")]


class SelfAssessmentForm(forms.Form):
    """One 1–5 rating per dimension of the programme's self-assessment."""

    def __init__(self, *args, dimensions, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        for d in dimensions:
            self.fields[f"d{d.pk}"] = forms.TypedChoiceField(
                label=d.name, coerce=int, choices=SELF_RATINGS, widget=forms.RadioSelect,
                error_messages={"required": f"Rate yourself on {d.name}"},
            )  # fmt: skip

    def ratings(self) -> dict[int, int]:
        return {d.pk: self.cleaned_data[f"d{d.pk}"] for d in self.dimensions}


class _TimeField(forms.TimeField):
    def __init__(self, **kwargs):
        super().__init__(
            input_formats=["%H:%M", "%H.%M", "%H%M"],
            widget=forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "nhsuk-input--width-5",
                    "autocomplete": "off",
                }
            ),  # fmt: skip
            help_text="24-hour clock, for example 09:30",
            **kwargs,
        )


class TeamSessionForm(forms.Form):
    """A date of a programme, as the academy team adds or changes it."""

    title = forms.CharField(
        max_length=200, required=False, help_text="Leave blank to use the module's or the"
        " programme's title.",
    )  # fmt: skip
    module = forms.ModelChoiceField(queryset=None, required=False, empty_label="No module")
    day = NHSDateField(label="Date", error_messages={"required": "Enter the date"})
    starts = _TimeField(label="Starts at", error_messages={"required": "Enter the start time"})
    ends = _TimeField(label="Ends at", error_messages={"required": "Enter the end time"})
    venue = forms.CharField(
        max_length=300, required=False, help_text="Leave blank when it is online."
    )
    joining_url = forms.URLField(
        required=False, assume_scheme="https", label="Joining link",
        help_text="Sent only to people booked.",
    )  # fmt: skip
    capacity = forms.IntegerField(min_value=1, max_value=10_000, label="Places")

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = programme.modules.order_by("order", "title")
        if not self.fields["module"].queryset.exists():
            del self.fields["module"]

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", "The end time must be after the start time")
        return data

    def session_fields(self) -> dict:
        from datetime import datetime

        from django.utils import timezone

        data = self.cleaned_data
        local = timezone.get_current_timezone()
        return {
            "title": data["title"],
            "module": data.get("module"),
            "starts_at": datetime.combine(data["day"], data["starts"], tzinfo=local),
            "ends_at": datetime.combine(data["day"], data["ends"], tzinfo=local),
            "venue": data["venue"],
            "joining_url": data["joining_url"],
            "capacity": data["capacity"],
        }

    @classmethod
    def initial_for(cls, session) -> dict:
        from django.utils import timezone

        starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        return {
            "title": session.title, "module": session.module_id, "day": starts.date(),
            "starts": starts.strftime("%H:%M"), "ends": ends.strftime("%H:%M"),
            "venue": session.venue, "joining_url": session.joining_url,
            "capacity": session.capacity,
        }  # fmt: skip


class ProgrammeForm(forms.ModelForm):
    """A programme's catalogue entry, as the academy team writes it."""

    eligible_bands = forms.MultipleChoiceField(
        choices=Band.choices, required=False, widget=forms.CheckboxSelectMultiple,
        label="Bands it is for", help_text="Leave all unticked when it is open to every band.",
    )  # fmt: skip
    eligible_staff_groups = forms.MultipleChoiceField(
        choices=StaffGroup.choices, required=False, widget=forms.CheckboxSelectMultiple,
        label="Staff groups it is for", help_text="Leave both unticked when it is open to all.",
    )  # fmt: skip

    class Meta:
        model = Programme
        fields = ["title", "summary", "workstream", "people_plan_theme", "format", "delivery",
                  "provider", "audience", "eligible_bands", "eligible_staff_groups",
                  "published"]  # fmt: skip
        labels = {"people_plan_theme": "People Plan theme", "audience": "Who it is for"}
        widgets = {"summary": forms.Textarea(attrs={"rows": 5}),
                   "audience": forms.Textarea(attrs={"rows": 3})}  # fmt: skip
        help_texts = {"published": "Shown in the catalogue and open for booking.",
                      "audience": "For example: new and aspiring team leaders."}  # fmt: skip

    def __init__(self, *args, **kwargs):
        """Choices start with "Choose …", never Django's dashes."""
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            prompt = f"Choose {'an' if str(field.label)[:1] in 'AEIOU' else 'a'} "
            prompt += str(field.label).lower()
            if isinstance(field, forms.ModelChoiceField):
                field.empty_label = prompt
            elif isinstance(field, forms.ChoiceField) and field.choices[:1] == [("", "---------")]:
                field.choices = [("", prompt), *field.choices[1:]]


class OfferReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        label="Why they are offered the place before the people ahead of them",
        help_text="Kept with the offer: for example, a place reserved for their system.",
    )  # fmt: skip

    def __init__(self, *args, required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not required:
            del self.fields["reason"]
