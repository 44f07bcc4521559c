from datetime import date

from django import forms
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


class NHSDateInput(forms.MultiWidget):
    """The NHS.UK date input: day, month and year in three numeric text fields.

    A browser's own date picker (`<input type="date">`) shows nothing for a value in any
    format but ISO and differs on every phone; the service manual asks for three fields.
    What was typed comes back as typed, so a form with an error loses nothing.
    """

    template_name = "django/forms/widgets/nhs_date.html"
    PARTS = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))

    def __init__(self, attrs=None):
        widgets = {
            name: forms.TextInput(attrs={"inputmode": "numeric", "maxlength": size})
            for name, _, size in self.PARTS
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget, id_ = context["widget"], context["widget"]["attrs"].get("id")
        for sub, (part, label, size) in zip(widget["subwidgets"], self.PARTS, strict=True):
            sub["label"], sub["size"] = label, size
            if id_:
                sub["attrs"]["id"] = f"{id_}_{part}"
        widget["describedby"] = widget["attrs"].get("aria-describedby")
        widget["invalid"] = widget["attrs"].get("aria-invalid") == "true"
        return context

    def id_for_label(self, id_):
        return f"{id_}_day" if id_ else id_

    def value_from_datadict(self, data, files, name):
        """The three fields; or, when none was sent, one ISO date under the field's own
        name, as links to a filtered page (`?date_from=2027-01-31`) carry it."""
        if name in data and not any(f"{name}_{part}" in data for part, _, _ in self.PARTS):
            return data[name]
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)


class NHSDateField(forms.DateField):
    """A date entered in the NHS.UK date input, with the service manual's error messages."""

    widget = NHSDateInput

    EXAMPLE = "For example, 15 3 2027"

    def __init__(self, **kwargs):
        hint = kwargs.get("help_text")
        kwargs["help_text"] = f"{hint} {self.EXAMPLE}" if hint else self.EXAMPLE
        super().__init__(**kwargs)
        if "required" not in kwargs.get("error_messages", {}):
            self.error_messages["required"] = "Enter a date"

    def _noun(self):
        label = str(self.label or "Date")
        return label if label.isupper() else label[:1].upper() + label[1:]

    def to_python(self, value):
        if not isinstance(value, (list, tuple)):
            return super().to_python(value)
        parts = [str(part or "").strip() for part in value]
        if not any(parts):
            return None
        missing = [name for (name, _, _), part in zip(NHSDateInput.PARTS, parts, strict=True)
                   if not part]  # fmt: skip
        noun = self._noun()
        if missing:
            raise forms.ValidationError(f"{noun} must include a {' and '.join(missing)}")
        if not all(part.isdigit() for part in parts) or len(parts[2]) != 4:
            raise forms.ValidationError(f"{noun} must be a real date")
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise forms.ValidationError(f"{noun} must be a real date") from None

    def widget_attrs(self, widget):
        return {}


def answers_of(form: forms.Form) -> list[tuple[str, str]]:
    """A valid form's answers as a person reads them, for a check-your-answers page: each
    visible field's label and its value in words (a choice's label, a person's name)."""
    rows = []
    for bound in form.visible_fields():
        field, value = bound.field, form.cleaned_data.get(bound.name)
        if isinstance(field, forms.ModelMultipleChoiceField):
            shown = ", ".join(field.label_from_instance(v) for v in value) if value else "None"
        elif isinstance(field, forms.ModelChoiceField):
            shown = field.label_from_instance(value) if value is not None else "Not given"
        elif isinstance(field, forms.MultipleChoiceField):
            labels = dict(field.choices)
            shown = ", ".join(str(labels.get(v, v)) for v in value) if value else "None"
        elif isinstance(field, forms.ChoiceField):
            shown = (
                str(dict(field.choices).get(bound.data, value))
                if value not in ("", None)
                else "Not given"
            )
        elif isinstance(field, forms.BooleanField):
            shown = "Yes" if value else "No"
        elif isinstance(value, date):
            shown = f"{value:%-d %B %Y}"
        else:
            shown = str(value) if value not in ("", None) else "Not given"
        rows.append((str(bound.label), shown))
    return rows


def posted_again(data) -> list[tuple[str, str]]:
    """What was posted, to post it again from the check page (all values of every name)."""
    skip = {"csrfmiddlewaretoken", "confirmed", "change"}
    return [(name, value) for name in data if name not in skip for value in data.getlist(name)]


class PersonPicker(forms.Widget):
    """Choose a person by typing their name: a text field and the chosen person's id.

    With JavaScript (static/js/person-picker.mjs) the text field becomes an accessible
    autocomplete (alphagov's accessible-autocomplete) that asks `search_url` as you type.
    Without it, the name typed is looked up when the form is sent: one match is chosen; several
    are offered as radios (`matches`), so the page works either way."""

    template_name = "django/forms/widgets/person_picker.html"

    def __init__(self, *, search_url: str = "", attrs=None):
        super().__init__(attrs)
        self.search_url = search_url
        self.matches: list[tuple[int, str]] = []

    def value_from_datadict(self, data, files, name):
        return {"id": data.get(name, ""), "text": data.get(f"{name}_name", "").strip()}

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_name" not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        value = value if isinstance(value, dict) else {"id": value or "", "text": ""}
        context["widget"].update(
            search_url=self.search_url, chosen=value.get("id") or "", text=value.get("text", ""),
            matches=self.matches, label_text=getattr(self, "chosen_label", ""),
            describedby=context["widget"]["attrs"].get("aria-describedby", ""),
            invalid=context["widget"]["attrs"].get("aria-invalid") == "true",
        )  # fmt: skip
        return context

    def id_for_label(self, id_):
        return f"{id_}_name" if id_ else id_


class PersonPickerField(forms.ModelChoiceField):
    """A person from `queryset` (the form's scope), chosen with the PersonPicker."""

    widget = PersonPicker

    def __init__(self, *args, search_url: str = "", **kwargs):
        kwargs.setdefault("empty_label", None)
        super().__init__(*args, **kwargs)
        self.widget.search_url = search_url

    def prepare_value(self, value):
        if hasattr(value, "pk"):
            self.widget.chosen_label = person_label(value)
            return {"id": value.pk, "text": person_label(value)}
        return value

    def to_python(self, value):
        from talentportal.directory.selectors import person_search

        self.widget.matches = []
        if not isinstance(value, dict):
            return super().to_python(value)
        if value.get("id"):
            return super().to_python(value["id"])
        text = value.get("text", "")
        if not text:
            return None
        if len(text) < 3:
            raise forms.ValidationError("Type at least 3 letters of their name")
        found = person_search(self.queryset, text, limit=21)
        if len(found) == 1:
            return found[0]
        if not found:
            raise forms.ValidationError(f"Nobody you can choose here is called {text}")
        self.widget.matches = [(p.pk, person_label(p)) for p in found[:20]]
        raise forms.ValidationError(
            f"{'More than 20' if len(found) > 20 else len(found)} people match {text}: choose"
            " one, or type more of their name"
        )

    def label_from_instance(self, obj):
        return person_label(obj)


def person_label(person) -> str:
    from talentportal.directory.selectors import person_label as label

    return label(person)
