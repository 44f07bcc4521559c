from django import forms

from talentportal.core.forms import RATING_CHOICES
from talentportal.directory.forms import EqualityForm

from .models import Evaluation


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
