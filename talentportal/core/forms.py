from django.forms.renderers import TemplatesSetting


class NHSFormRenderer(TemplatesSetting):
    """Renders every form (ours and allauth's) with NHS.UK frontend markup.

    TemplatesSetting looks templates up through TEMPLATES, so templates/django/forms/
    overrides Django's widget templates, and the form and field templates below
    produce NHS.UK form groups, hints, error messages and an error summary.
    """

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


# A 1 to 5 rating, best first, for evaluations.
RATING_CHOICES = [
    (5, "5 – excellent"),
    (4, "4 – good"),
    (3, "3 – fair"),
    (2, "2 – poor"),
    (1, "1 – very poor"),
]
