from django import forms

from .models import YearInReview
from .services import NARRATIVE_FIELDS


class ReviewForm(forms.ModelForm):
    class Meta:
        model = YearInReview
        fields = NARRATIVE_FIELDS
        help_texts = {
            name: "Plain text: a blank line starts a paragraph, a line starting '- ' is a "
            "bullet, **words** are bold."
            for name in NARRATIVE_FIELDS
            if name not in ("title", "team", "bame_baseline", "clinical_baseline")
        }
        widgets = {
            name: forms.Textarea(attrs={"rows": 5})
            for name in NARRATIVE_FIELDS
            if name not in ("title", "bame_baseline", "clinical_baseline")
        }


class EnteredFigureForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="For example 'e-learning: Leading change'.")
    value = forms.DecimalField(max_digits=14, decimal_places=2)
    source = forms.CharField(max_length=300, help_text="Where the figure comes from.")
