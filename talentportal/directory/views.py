import time

from django.contrib import messages
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from talentportal.core.errors import ApplicationError
from talentportal.core.import_views import RecordsImportView
from talentportal.core.tables import BoundedPaginationMixin
from talentportal.core.todo import todos_for
from talentportal.core.views import parse_id

from . import selectors, services, sessions
from .filters import OrganisationFilter, PersonFilter
from .forms import (
    EqualityForm,
    ProfileForm,
    RoleGrantForm,
)
from .models import (
    MFA_ROLES,
    EqualityMonitoring,
    ErasureRequest,
    Profile,
    Role,
    RoleAssignment,
    User,
)
from .permissions import RoleRequiredMixin, has_role, role_assignments
from .tables import OrganisationTable, PersonTable


class HomeView(TemplateView):
    """The landing page for visitors; the role dashboard for signed-in people."""

    def get_template_names(self):
        if self.request.user.is_authenticated:
            return ["directory/dashboard.html"]
        return ["directory/landing.html"]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        if user.is_authenticated:
            ctx["assignments"] = role_assignments(user)
            ctx["roles"] = {a.role for a in ctx["assignments"]}
            ctx["profile"] = (
                Profile.objects.select_related("organisation").filter(user=user).first()
            )
            ctx["Role"] = Role
            ctx["todos"] = todos_for(user)
        return ctx


class ProfileView(RoleRequiredMixin, TemplateView):
    template_name = "directory/profile_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["profile"] = services.profile_ensure(user=user)
        # Equality data is shown to its owner only, here and nowhere else.
        ctx["equality"] = EqualityMonitoring.objects.filter(user=user).first()
        return ctx


class ProfileEditView(RoleRequiredMixin, FormView):
    template_name = "directory/profile_edit.html"
    form_class = ProfileForm

    def get_initial(self):
        user = self.request.user
        profile = services.profile_ensure(user=user)
        return {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "job_title": profile.job_title,
            "organisation": profile.organisation_id,
            "band": profile.band,
            "staff_group": profile.staff_group,
            "profession": profile.profession,
        }

    def form_valid(self, form):
        services.profile_update(user=self.request.user, **form.cleaned_data)
        messages.success(self.request, "Your profile has been saved.")
        return redirect("directory:profile")


class EqualityEditView(RoleRequiredMixin, FormView):
    template_name = "directory/equality_edit.html"
    form_class = EqualityForm

    def get_initial(self):
        record = EqualityMonitoring.objects.filter(user=self.request.user).first()
        if record is None:
            return {}
        return {
            "ethnic_category": record.ethnic_category,
            "disability": record.disability,
            "sex": record.sex,
        }

    def form_valid(self, form):
        services.equality_update(user=self.request.user, **form.cleaned_data)
        messages.success(self.request, "Your equality monitoring answers have been saved.")
        return redirect("directory:profile")


class OrganisationListView(RoleRequiredMixin, BoundedPaginationMixin, SingleTableMixin, FilterView):
    required_roles = {
        Role.PROGRAMME_ADMIN,
        Role.TALENT_LEAD,
        Role.SCHEME_MANAGER,
        Role.REPORT_TEAM,
        Role.SYSTEM_ADMIN,
    }
    template_name = "directory/organisation_list.html"
    table_class = OrganisationTable
    filterset_class = OrganisationFilter
    paginate_by = 50

    def get_queryset(self):
        return selectors.organisation_list()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["systems"] = selectors.system_list()
        return ctx


class PersonListView(RoleRequiredMixin, BoundedPaginationMixin, SingleTableMixin, FilterView):
    required_roles = {Role.TALENT_LEAD, Role.SYSTEM_ADMIN}
    template_name = "directory/person_list.html"
    table_class = PersonTable
    filterset_class = PersonFilter
    paginate_by = 50

    def get_queryset(self):
        return selectors.person_list(user=self.request.user)

    def get_table_kwargs(self):
        return {"link_roles": has_role(self.request.user, Role.SYSTEM_ADMIN)}


class OrganisationImportView(RecordsImportView):
    required_roles = {Role.SYSTEM_ADMIN}
    kind = "organisations"
    title = "Import organisations"
    success_url_name = "directory:organisation_list"


class PersonRolesView(RoleRequiredMixin, View):
    required_roles = {Role.SYSTEM_ADMIN}
    template_name = "directory/person_roles.html"

    def get_person(self, pk):
        return get_object_or_404(selectors.person_list(user=self.request.user), pk=pk)

    def get(self, request, pk):
        person = self.get_person(pk)
        return self._render(request, person, RoleGrantForm())

    def _render(self, request, person, form):
        assignments = RoleAssignment.objects.filter(user=person).select_related(
            "organisation", "system"
        )
        return render(
            request,
            self.template_name,
            {
                "person": person,
                "assignments": assignments,
                "form": form,
                # Nobody changes their own roles: the page says so instead of offering it.
                "own_roles": services.OWN_ROLES if person.pk == request.user.pk else "",
            },
        )

    def post(self, request, pk):
        person = self.get_person(pk)
        form = RoleGrantForm(request.POST)
        if not form.is_valid():
            return self._render(request, person, form)
        if request.POST.get("confirmed") != "yes":
            reason = services.role_grant_refusal(
                user=person, granted_by=request.user, **form.cleaned_data
            )
            if reason:
                form.add_error(None, reason)
                return self._render(request, person, form)
            return self._confirm(request, person, form)
        try:
            services.role_grant(user=person, granted_by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self._render(request, person, form)
        role = Role(form.cleaned_data["role"])
        told = " They have been told by email." if role in MFA_ROLES else ""
        messages.success(request, f"{_name(person)} is now {role.label}.{told}")
        return redirect("directory:person_roles", pk=person.pk)

    def _confirm(self, request, person, form):
        data = form.cleaned_data
        role = Role(data["role"])
        scope = data.get("organisation") or data.get("system")
        name = _name(person)
        consequences = {
            Role.SYSTEM_ADMIN: [
                f"{name} can grant and remove every role, including system administrator.",
                "They can see everyone's records, download anyone's data and use the admin site.",
            ],
            Role.PROGRAMME_ADMIN: [
                f"{name} runs the catalogue, registers, waiting lists and coaching approvals,"
                " and decides nominations.",
            ],
            Role.TALENT_LEAD: [
                f"{name} sees the people, nominations, reviews and succession plans of {scope}.",
            ],
            Role.SCHEME_MANAGER: [f"{name} manages the {data.get('scheme', '').upper()} scheme."],
            Role.REPORT_TEAM: [f"{name} sees the year's figures and builds the year in review."],
        }.get(role, [f"{name} takes on the role of {role.label.lower()}."])
        if role in MFA_ROLES:
            consequences.append(
                "They sign in with two factors from now on, and are told of the role by email."
            )
        return render(request, "core/confirm.html", {
            "title": f"Make {name} {role.label.lower()}?",
            "caption": person.email,
            "consequences": consequences,
            "warning": "This gives the widest access the portal has. Grant it only to someone"
            " who runs the portal." if role == Role.SYSTEM_ADMIN else "",
            "fields": {key: request.POST.get(key, "") for key in form.fields},
            "button": f"Yes, make them {role.label.lower()}",
            "back": reverse("directory:person_roles", args=[person.pk]),
        })  # fmt: skip


def _name(person) -> str:
    return person.get_full_name() or person.email


class RoleRevokeView(RoleRequiredMixin, View):
    required_roles = {Role.SYSTEM_ADMIN}

    def post(self, request, pk, assignment_pk):
        person = get_object_or_404(User, pk=pk)
        assignment = get_object_or_404(RoleAssignment, pk=assignment_pk, user=person)
        # One's own roles are refused by the service straight away, never asked about.
        if request.POST.get("confirmed") != "yes" and person.pk != request.user.pk:
            name = _name(person)
            return render(request, "core/confirm.html", {
                "title": f"Remove the role {assignment} from {name}?",
                "caption": person.email,
                "consequences": [
                    f"{name} can no longer do what the role lets them do, from their next page.",
                    "The change history keeps who removed it and when.",
                ],
                "button": "Yes, remove the role",
                "back": reverse("directory:person_roles", args=[person.pk]),
            })  # fmt: skip
        services.role_revoke(assignment=assignment, revoked_by=request.user)
        messages.success(request, f"Removed the role {assignment} from {_name(person)}.")
        return redirect("directory:person_roles", pk=person.pk)


class FooterPage(TemplateView):
    """The footer's pages (accessibility, privacy, cookies, help): open to everyone,
    signed in or not, as the statements they make must be."""

    page = ""

    def get_template_names(self):
        return [f"directory/footer/{self.page}.html"]

    def get_context_data(self, **kwargs):
        from django.conf import settings

        return {
            **super().get_context_data(**kwargs),
            "idle_minutes": settings.SESSION_STAFF_IDLE_SECONDS // 60,
            "max_hours": settings.SESSION_STAFF_MAX_SECONDS // 3600,
        }


class SessionExtendView(RoleRequiredMixin, View):
    """The time-out warning's "Stay signed in" (static/js/session-timeout.js): counts as
    activity now and answers how many seconds the session has left (null if unlimited)."""

    http_method_names = ["post"]
    raise_exception = True  # a script asks: 403, not the sign-in page

    def post(self, request):
        if not sessions.session_is_limited(request.user):
            return JsonResponse({"expires_in": None})
        limit = sessions.session_activity_record(
            session=request.session, now=time.time(), force=True
        )
        return JsonResponse({"expires_in": limit.expires_in})


def health(request):
    """For load balancers and docker-compose: 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return JsonResponse({"status": "ok"})


def _json_download(data: dict, filename: str) -> HttpResponse:
    response = JsonResponse(data, json_dumps_params={"indent": 2, "default": str})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class MyDataView(RoleRequiredMixin, View):
    """Everything the portal holds about the signed-in person that they can see, as JSON."""

    def get(self, request):
        from talentportal.core.privacy import person_export

        return _json_download(person_export(request.user), "my-data.json")


class ErasureRequestView(RoleRequiredMixin, View):
    template_name = "directory/erasure_request.html"

    def get(self, request):
        pending = ErasureRequest.objects.filter(person=request.user, status="requested").first()
        return render(request, self.template_name, {"pending": pending})

    def post(self, request):
        services.erasure_request(person=request.user, now=timezone.now())
        messages.success(
            request,
            "We have your request. A system administrator will carry it out and email you.",
        )
        return redirect("directory:profile")


class ErasureListView(RoleRequiredMixin, View):
    """Erasure requests, for system administrators to carry out or refuse."""

    required_roles = {Role.SYSTEM_ADMIN}

    def get(self, request):
        return render(
            request,
            "directory/erasure_list.html",
            {"requests": ErasureRequest.objects.select_related("person", "decided_by")[:200]},
        )

    def post(self, request):
        erasure = get_object_or_404(
            ErasureRequest, pk=parse_id(request.POST.get("request")), status="requested"
        )
        try:
            if request.POST.get("decision") == "erase":
                services.erasure_carry_out(request=erasure, by=request.user, now=timezone.now())
                messages.success(request, "The person has been erased.")
            else:
                services.erasure_refuse(
                    request=erasure, by=request.user, note=request.POST.get("note", ""),
                    now=timezone.now(),
                )  # fmt: skip
                messages.success(request, "The request is refused.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("directory:erasure_list")


class PersonDataView(RoleRequiredMixin, View):
    """A system administrator's export of one person's data (two factors, recorded). The
    export is recorded, so it is asked for by POST (a button on the person's page): a GET,
    a prefetch or a crawled link, answers 405 and records nothing."""

    required_roles = {Role.SYSTEM_ADMIN}

    def post(self, request, pk):
        person = get_object_or_404(User, pk=pk)
        data = services.personal_data_export(subject=person, by=request.user, now=timezone.now())
        return _json_download(data, f"person-{person.pk}.json")
