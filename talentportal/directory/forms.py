from django import forms

from .models import (
    Band,
    Disability,
    EthnicCategory,
    IntegratedCareSystem,
    Organisation,
    Profession,
    Role,
    Scheme,
    Sex,
    StaffGroup,
)


class SignupExtraForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    first_name = forms.CharField(max_length=150, label="First name")
    last_name = forms.CharField(max_length=150, label="Last name")

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"].strip()
        user.last_name = self.cleaned_data["last_name"].strip()
        user.save(update_fields=["first_name", "last_name"])


def _required(message):
    return {"required": message}


class ProfileForm(forms.Form):
    first_name = forms.CharField(max_length=150, error_messages=_required("Enter your first name"))
    last_name = forms.CharField(max_length=150, error_messages=_required("Enter your last name"))
    job_title = forms.CharField(max_length=200, error_messages=_required("Enter your job title"))
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        empty_label="Choose your organisation",
        help_text="The organisation you work for.",
        error_messages=_required("Choose your organisation"),
    )
    band = forms.ChoiceField(
        choices=[("", "Choose your band")] + Band.choices,
        label="Agenda for Change band",
        help_text="Or medical and dental, very senior manager, or other.",
        error_messages=_required("Choose your band"),
    )
    staff_group = forms.ChoiceField(
        choices=StaffGroup.choices,
        widget=forms.RadioSelect,
        label="Staff group",
        error_messages=_required("Choose clinical or non-clinical"),
    )
    profession = forms.ChoiceField(
        choices=[("", "Choose your profession")] + Profession.choices,
        error_messages=_required("Choose your profession"),
    )


class EqualityForm(forms.Form):
    ethnic_category = forms.ChoiceField(
        choices=EthnicCategory.choices,
        widget=forms.RadioSelect,
        label="What is your ethnic group?",
        help_text="NHS Data Dictionary ethnic categories.",
    )
    disability = forms.ChoiceField(
        choices=Disability.choices,
        widget=forms.RadioSelect,
        label="Do you consider yourself to have a disability?",
    )
    sex = forms.ChoiceField(
        choices=Sex.choices, widget=forms.RadioSelect, label="What is your sex?"
    )


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(choices=[("", "Choose a role")] + Role.choices)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        empty_label="No organisation",
        required=False,
        help_text="Talent leads only: the organisation they look after.",
    )
    system = forms.ModelChoiceField(
        queryset=IntegratedCareSystem.objects.order_by("name"),
        required=False,
        empty_label="No system",
        label="Integrated care system",
        help_text="Talent leads only: or a whole system.",
    )
    scheme = forms.ChoiceField(
        choices=[("", "Not a scheme manager")] + Scheme.choices,
        required=False,
        help_text="Scheme managers only.",
    )
