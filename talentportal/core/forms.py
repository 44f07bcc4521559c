from django.forms.renderers import TemplatesSetting


class NHSFormRenderer(TemplatesSetting):
    """Renders every form (ours and allauth's) with NHS.UK frontend markup.

    TemplatesSetting looks templates up through TEMPLATES, so templates/django/forms/
    overrides Django's widget templates, and the form and field templates below
    produce NHS.UK form groups, hints, error messages and an error summary.
    """

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
