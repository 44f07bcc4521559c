import csv
from datetime import date

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from talentportal.core import audit
from talentportal.core.errors import ApplicationError
from talentportal.core.forms import answers_of, posted_again
from talentportal.core.import_views import RecordsImportView
from talentportal.core.periods import financial_year
from talentportal.core.tables import spreadsheet_safe
from talentportal.core.views import parse_id, rate_allowed
from talentportal.directory.models import IntegratedCareSystem, Organisation, Role
from talentportal.directory.permissions import ACADEMY_TEAM, RoleRequiredMixin
from talentportal.directory.selectors import person_search

from . import permissions, selectors, services
from .forms import (
    ConversationForm,
    DecisionForm,
    LeaveForm,
    NominationForm,
    PlacementForm,
    PostForm,
    ReviewForm,
    SuccessorForm,
    VacancyForm,
    WindowForm,
    WindowUpdateForm,
)
from .models import (
    NINE_BOX,
    NineBoxPlacement,
    NominationStatus,
    NominationWindow,
    PlacementBid,
    Pool,
    PoolMembership,
    Post,
    Route,
    SchemeCohort,
    SchemeParticipant,
    SeniorPost,
    Successor,
    Trainee,
    Vacancy,
)

TALENT_STAFF = permissions.TALENT_STAFF
SCHEME_STAFF = permissions.SCHEME_STAFF


def _today() -> date:
    return timezone.localdate()


def _open_window(today: date) -> NominationWindow | None:
    return (
        NominationWindow.objects.filter(opens_on__lte=today, closes_on__gte=today)
        .order_by("closes_on")
        .first()
    )


class HomeView(RoleRequiredMixin, View):
    """A person's own talent journey, and the way in to the staff pages they may use."""

    def get(self, request):
        user, today = request.user, _today()
        memberships = list(
            PoolMembership.objects.filter(member=user)
            .select_related("system")
            .prefetch_related("conversations")
        )
        return render(
            request,
            "talentpools/home.html",
            {
                "memberships": memberships,
                "is_member": any(m.is_current for m in memberships),
                "nominations": selectors.nomination_list(user=user).filter(nominee=user),
                "vacancies": selectors.my_vacancies(user=user, today=today),
                "places": SchemeParticipant.objects.filter(person=user)
                .select_related("cohort")
                .prefetch_related("milestones"),
                "trainee_places": Trainee.objects.filter(person=user)
                .select_related("host_organisation")
                .prefetch_related("placements__organisation"),
                "window": _open_window(today),
                "is_team": permissions.is_team(user),
                "is_lead": permissions.has_role(user, Role.TALENT_LEAD),
                "schemes": permissions.managed_schemes(user),
            },
        )


class _NominateBase(RoleRequiredMixin, View):
    template_name = "talentpools/nomination_create.html"
    route: str

    def people(self, request):
        return None

    def get(self, request):
        window = _open_window(_today())
        form = NominationForm(people=self.people(request))
        return render(
            request, self.template_name, {"form": form, "window": window, "route": self.route}
        )

    def post(self, request):
        window = _open_window(_today())
        form = NominationForm(request.POST, people=self.people(request))
        if window is None:
            form.add_error(None, "No nomination window is open today.")
        elif form.is_valid() and "change" not in request.POST:
            if request.POST.get("confirmed") != "yes":
                return render(request, "core/check_answers.html", {
                    "caption": window.name,
                    "sending": "sending your nomination" if self.route == Route.NOMINATED
                    else "nominating yourself",
                    "intro": "The talent team decides after the window closes on"
                    f" {window.closes_on:%-d %B %Y}.",
                    "answers": answers_of(form),
                    "data": posted_again(request.POST),
                    "button": "Send nomination",
                })  # fmt: skip
            data = form.cleaned_data
            nominee = data.pop("nominee", request.user)
            try:
                nomination = services.nomination_submit(
                    nominator=request.user, nominee=nominee, window=window, route=self.route,
                    today=_today(), **data,
                )  # fmt: skip
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    f"Nomination of {nomination.nominee} sent. The talent team will decide "
                    f"after {window.name} closes.",
                )
                return redirect("talentpools:home")
        return render(
            request, self.template_name, {"form": form, "window": window, "route": self.route}
        )


class NominationCreateView(_NominateBase):
    required_roles = {Role.TALENT_LEAD}
    route = Route.NOMINATED

    def people(self, request):
        return selectors.nominee_candidates(user=request.user)


class PersonSearchView(RoleRequiredMixin, View):
    """The person pickers' search: people the signed-in talent lead or team member may choose
    for `purpose` (a nominee, a successor), never themselves; at least 3 letters; name, job
    title and organisation only (never an email address); at most 30 searches a minute."""

    required_roles = TALENT_STAFF
    raise_exception = True
    PER_MINUTE = 30

    def get(self, request, purpose):
        if purpose == "nominee":
            if not permissions.has_role(request.user, Role.TALENT_LEAD):
                raise Http404  # only talent leads nominate
            people = selectors.nominee_candidates(user=request.user)
        elif purpose == "successor":
            people = selectors.successor_candidates(user=request.user)
        else:
            raise Http404
        if not rate_allowed(f"person-search:{request.user.pk}", per_minute=self.PER_MINUTE):
            return JsonResponse({"error": "Too many searches: wait a minute."}, status=429)
        text = request.GET.get("q", "").strip()
        if len(text) < 3:
            return JsonResponse({"error": "Type at least 3 letters.", "results": []})
        results = []
        for person in person_search(people, text):
            profile = getattr(person, "profile", None)
            results.append({
                "id": person.pk,
                "name": person.get_full_name() or "Unnamed person",
                "job_title": getattr(profile, "job_title", ""),
                "organisation": str(getattr(profile, "organisation", "") or ""),
            })  # fmt: skip
        return JsonResponse({"results": results})


class SelfNominationView(_NominateBase):
    route = Route.SELF


class NominationListView(RoleRequiredMixin, View):
    required_roles = TALENT_STAFF

    def get(self, request):
        qs = selectors.nomination_list(user=request.user)
        status = request.GET.get("status", "")
        if status in NominationStatus.values:
            qs = qs.filter(status=status)
        window = parse_id(request.GET.get("window"))
        if window:
            qs = qs.filter(window=window)
        return render(
            request,
            "talentpools/nomination_list.html",
            {
                "nominations": qs[:500],
                "statuses": NominationStatus.choices,
                "status": status,
                "windows": NominationWindow.objects.all(),
                "window": window,
                "is_team": permissions.is_team(request.user),
            },
        )


class NominationView(RoleRequiredMixin, View):
    """A nomination: its nominee, their talent lead and the team see it; the team decides."""

    def _nomination(self, request, pk):
        return get_object_or_404(selectors.nomination_list(user=request.user), pk=pk)

    def _render(self, request, nomination, form=None):
        is_team = permissions.is_team(request.user)
        return render(
            request,
            "talentpools/nomination_detail.html",
            {
                "nomination": nomination,
                "is_team": is_team,
                "refusal": services.nomination_decision_refusal(
                    nomination=nomination, user=request.user, today=_today()
                ),
                "form": form or DecisionForm(),
                "history": audit.history(nomination) if is_team else [],
            },
        )

    def get(self, request, pk):
        return self._render(request, self._nomination(request, pk))

    def post(self, request, pk):
        nomination = self._nomination(request, pk)
        if not permissions.is_team(request.user):
            raise Http404
        refusal = services.nomination_decision_refusal(
            nomination=nomination, user=request.user, today=_today()
        )
        if refusal:
            messages.error(request, refusal)
            return redirect("talentpools:nomination", pk=nomination.pk)
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                services.nomination_decide(
                    nomination=nomination, decided_by=request.user, today=_today(),
                    **form.cleaned_data,
                )  # fmt: skip
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Decision recorded; the nominee has been told.")
                return redirect("talentpools:nomination", pk=nomination.pk)
        return self._render(request, nomination, form)


class WindowListView(RoleRequiredMixin, View):
    required_roles = ACADEMY_TEAM
    template_name = "talentpools/window_list.html"

    def _render(self, request, form):
        return render(
            request,
            self.template_name,
            {"windows": NominationWindow.objects.all(), "form": form},
        )

    def get(self, request):
        return self._render(request, WindowForm())

    def post(self, request):
        form = WindowForm(request.POST)
        if form.is_valid():
            try:
                services.window_create(**form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Nomination window added.")
                return redirect("talentpools:windows")
        return self._render(request, form)


class WindowUpdateView(RoleRequiredMixin, View):
    required_roles = ACADEMY_TEAM
    template_name = "talentpools/window_update.html"

    def get(self, request, pk):
        window = get_object_or_404(NominationWindow, pk=pk)
        form = WindowUpdateForm(initial={"name": window.name, "closes_on": window.closes_on})
        return render(request, self.template_name, {"window": window, "form": form})

    def post(self, request, pk):
        window = get_object_or_404(NominationWindow, pk=pk)
        form = WindowUpdateForm(request.POST)
        if form.is_valid():
            try:
                services.window_update(window=window, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error("closes_on", exc.message)
            else:
                messages.success(request, "Nomination window updated.")
                return redirect("talentpools:windows")
        return render(request, self.template_name, {"window": window, "form": form})


class PoolView(RoleRequiredMixin, View):
    """The team's view of the aspirant director pool: members, make-up, the year's figures."""

    required_roles = ACADEMY_TEAM

    def get(self, request):
        today = _today()
        start, end = financial_year(today)
        members = selectors.pool_members(on=today).select_related(
            "member", "organisation", "system"
        )
        return render(
            request,
            "talentpools/pool.html",
            {
                "members": members,
                "make_up": selectors.make_up_published(
                    selectors.MAKE_UP_POOL, Pool.ASPIRANT_DIRECTORS
                ),
                "figures": selectors.figures(start=start, end=min(end, today)),
                "start": start,
                "end": min(end, today),
            },
        )


class MembershipView(RoleRequiredMixin, View):
    required_roles = ACADEMY_TEAM
    template_name = "talentpools/membership_detail.html"

    def _render(self, request, membership, **forms):
        forms.setdefault("leave_form", LeaveForm(prefix="leave"))
        forms.setdefault("conversation_form", ConversationForm(prefix="conversation"))
        return render(
            request,
            self.template_name,
            {
                "membership": membership,
                "conversations": membership.conversations.all(),
                "interests": membership.member.vacancy_interests.select_related(
                    "vacancy__organisation"
                ),
                "history": audit.history(membership),
                **forms,
            },
        )

    def _membership(self, pk):
        return get_object_or_404(
            PoolMembership.objects.select_related("member", "organisation", "system"), pk=pk
        )

    def get(self, request, pk):
        return self._render(request, self._membership(pk))

    def post(self, request, pk):
        membership = self._membership(pk)
        if "leave-left_on" in request.POST:
            form = LeaveForm(request.POST, prefix="leave")
            if form.is_valid():
                try:
                    services.membership_end(
                        membership=membership,
                        left_on=form.cleaned_data["left_on"],
                        reason=form.cleaned_data["reason"],
                        note=form.cleaned_data["note"],
                    )
                except ApplicationError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, f"{membership.member} has left the pool.")
                    return redirect("talentpools:membership", pk=pk)
            return self._render(request, membership, leave_form=form)
        form = ConversationForm(request.POST, prefix="conversation")
        if form.is_valid():
            try:
                services.conversation_log(
                    membership=membership, logged_by=request.user, today=_today(),
                    **form.cleaned_data,
                )  # fmt: skip
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Career conversation logged.")
                return redirect("talentpools:membership", pk=pk)
        return self._render(request, membership, conversation_form=form)


class VacancyListView(RoleRequiredMixin, View):
    required_roles = ACADEMY_TEAM
    template_name = "talentpools/vacancy_list.html"

    def _render(self, request, form):
        vacancies = Vacancy.objects.select_related("organisation").annotate(
            interest_count=Count("interests")
        )
        return render(request, self.template_name, {"vacancies": vacancies, "form": form})

    def get(self, request):
        return self._render(request, VacancyForm())

    def post(self, request):
        form = VacancyForm(request.POST)
        if form.is_valid():
            try:
                vacancy = services.vacancy_post(
                    posted_by=request.user, today=_today(), **form.cleaned_data
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, f"{vacancy.title} posted; matching pool members have been told."
                )
                return redirect("talentpools:vacancies")
        return self._render(request, form)


class VacancyView(RoleRequiredMixin, View):
    """The team sees who is interested; a pool member expresses interest."""

    def get(self, request, pk):
        vacancy = get_object_or_404(Vacancy.objects.select_related("organisation"), pk=pk)
        is_team = permissions.is_team(request.user)
        if (
            not is_team
            and not selectors.my_vacancies(user=request.user, today=_today()).filter(pk=pk).exists()
        ):
            raise Http404
        return render(
            request,
            "talentpools/vacancy_detail.html",
            {
                "vacancy": vacancy,
                "is_team": is_team,
                "interests": vacancy.interests.select_related("member") if is_team else [],
                "interested": vacancy.interests.filter(member=request.user).exists(),
            },
        )

    def post(self, request, pk):
        vacancy = get_object_or_404(Vacancy, pk=pk)
        if not selectors.my_vacancies(user=request.user, today=_today()).filter(pk=pk).exists():
            raise Http404
        try:
            services.vacancy_interest(vacancy=vacancy, member=request.user, today=_today())
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"The talent team knows you are interested in {vacancy.title}."
            )
        return redirect("talentpools:home")


class SchemesView(RoleRequiredMixin, View):
    required_roles = SCHEME_STAFF

    def get(self, request):
        schemes = permissions.managed_schemes(request.user)
        intakes = []
        if "gmts" in schemes:
            intakes = (
                Trainee.objects.values("intake").annotate(trainees=Count("pk")).order_by("-intake")
            )
        return render(
            request,
            "talentpools/schemes.html",
            {
                "cohorts": selectors.cohort_list(user=request.user),
                "intakes": intakes,
                "bids": PlacementBid.objects.select_related("organisation").order_by(
                    "-intake", "organisation__name"
                )[:100]
                if "gmts" in schemes
                else [],
                "schemes": schemes,
            },
        )


class CohortView(RoleRequiredMixin, View):
    required_roles = SCHEME_STAFF

    def get(self, request, pk):
        cohort = get_object_or_404(
            SchemeCohort.objects.filter(scheme__in=permissions.managed_schemes(request.user)),
            pk=pk,
        )
        participants = cohort.participants.select_related(
            "person__profile__organisation"
        ).prefetch_related("milestones")
        return render(
            request,
            "talentpools/cohort_detail.html",
            {
                "cohort": cohort,
                "participants": participants,
                "make_up": selectors.make_up_published(selectors.MAKE_UP_COHORT, cohort),
            },
        )


class IntakeView(RoleRequiredMixin, View):
    required_roles = SCHEME_STAFF

    def get(self, request, year, month):
        if "gmts" not in permissions.managed_schemes(request.user):
            raise Http404
        try:
            intake = date(year, month, 1)
        except (ValueError, OverflowError):
            raise Http404 from None
        trainees = (
            Trainee.objects.filter(intake=intake)
            .select_related("person", "host_organisation__type", "host_organisation__system")
            .prefetch_related("placements__organisation")
        )
        return render(
            request,
            "talentpools/intake_detail.html",
            {
                "intake": intake,
                "trainees": trainees,
                "make_up": selectors.make_up_published(selectors.MAKE_UP_INTAKE, intake),
            },
        )


class ReviewListView(RoleRequiredMixin, View):
    required_roles = TALENT_STAFF
    template_name = "talentpools/review_list.html"

    def _form(self, request, data=None):
        user = request.user
        systems = permissions.talent_lead_scopes(user)[1]
        organisations = permissions.organisations_led(user)
        if permissions.is_team(user):
            system_qs = IntegratedCareSystem.objects.all()
        else:
            system_qs = IntegratedCareSystem.objects.filter(pk__in=systems)
        return ReviewForm(data, organisations=organisations, systems=system_qs)

    def _render(self, request, form):
        return render(
            request,
            self.template_name,
            {"reviews": selectors.review_list(user=request.user), "form": form},
        )

    def get(self, request):
        return self._render(request, self._form(request))

    def post(self, request):
        form = self._form(request, request.POST)
        if form.is_valid():
            try:
                review = services.review_create(created_by=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("talentpools:review", pk=review.pk)
        return self._render(request, form)


class ReviewView(RoleRequiredMixin, View):
    """The nine-box grid: performance across, potential up; calibration history below."""

    required_roles = TALENT_STAFF
    template_name = "talentpools/review_detail.html"

    def _review(self, request, pk):
        return get_object_or_404(selectors.review_list(user=request.user), pk=pk)

    def _people(self, request, review):
        """Whom the signed-in person may place: never themselves."""
        return selectors.review_people(review=review).exclude(pk=request.user.pk)

    def _render(self, request, review, form=None):
        placements = list(
            review.placements.select_related("person", "placed_by").order_by(
                "person__last_name", "person__first_name"
            )
        )
        grid = []
        for potential in (3, 2, 1):
            grid.append(
                {
                    "potential": potential,
                    "cells": [
                        {
                            "performance": performance,
                            "name": NINE_BOX[(performance, potential)][0],
                            "zone": NINE_BOX[(performance, potential)][1],
                            "people": [
                                p
                                for p in placements
                                if p.performance == performance and p.potential == potential
                            ],
                        }
                        for performance in (1, 2, 3)
                    ],
                }
            )
        can_edit = services.can_edit_review(request.user, review) and not review.is_closed
        return render(
            request,
            self.template_name,
            {
                "review": review,
                "grid": grid,
                "placements": placements,
                "form": form or PlacementForm(people=self._people(request, review)),
                "can_edit": can_edit,
                "own_placement": services.OWN_PLACEMENT
                if can_edit
                and selectors.review_people(review=review).filter(pk=request.user.pk).exists()
                else "",
                "history": audit.history_of_many(
                    NineBoxPlacement, [p.pk for p in placements], subjects=True
                ),
            },
        )

    def get(self, request, pk):
        return self._render(request, self._review(request, pk))

    def post(self, request, pk):
        review = self._review(request, pk)
        if "close" in request.POST:
            if request.POST.get("confirmed") != "yes":
                return render(request, "core/confirm.html", {
                    "title": f"Close {review.name}?",
                    "caption": review.organisation or review.system,
                    "consequences": [
                        "Nobody can place or move anyone in this review any more.",
                        f"The grid, its {review.placements.count()} placements and the "
                        "calibration history stay, and can still be seen and exported.",
                    ],
                    "fields": {"close": "1"},
                    "button": "Yes, close the review",
                    "back": reverse("talentpools:review", args=[pk]),
                })  # fmt: skip
            try:
                services.review_close(review=review, by=request.user)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, f"{review.name} is closed: its grid can no longer change."
                )
            return redirect("talentpools:review", pk=pk)
        form = PlacementForm(request.POST, people=self._people(request, review))
        if parse_id(request.POST.get("person")) == request.user.pk:
            messages.error(request, services.OWN_PLACEMENT)
            return redirect("talentpools:review", pk=pk)
        if form.is_valid():
            try:
                services.placement_set(
                    review=review, placed_by=request.user, now=timezone.now(),
                    **form.cleaned_data,
                )  # fmt: skip
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"{form.cleaned_data['person']} placed.")
                return redirect("talentpools:review", pk=pk)
        return self._render(request, review, form)


class ReviewExportView(RoleRequiredMixin, View):
    required_roles = TALENT_STAFF

    def get(self, request, pk):
        review = get_object_or_404(selectors.review_list(user=request.user), pk=pk)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="nine-box-{review.pk}.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                "name",
                "email",
                "organisation",
                "performance",
                "potential",
                "note",
                "placed_at",
                "box",
            ]  # fmt: skip
        )
        for p in review.placements.select_related("person__profile__organisation"):
            writer.writerow(
                spreadsheet_safe(v)
                for v in (
                    p.person.get_full_name(),
                    p.person.email,
                    str(p.person.profile.organisation or ""),
                    p.performance,
                    p.potential,
                    p.note,
                    timezone.localtime(p.placed_at).strftime("%Y-%m-%d %H:%M"),
                    NINE_BOX[(p.performance, p.potential)][0],
                )
            )
        return response


class SuccessionView(RoleRequiredMixin, View):
    required_roles = TALENT_STAFF

    def get(self, request):
        organisations = permissions.organisations_led(request.user)
        heatmap = selectors.succession_heatmap(user=request.user)
        drill = None
        system_id, post = parse_id(request.GET.get("system")), request.GET.get("post", "")
        if system_id and post in dict(Post.choices):
            system = next((r for r in heatmap["rows"] if r["system_id"] == system_id), None)
            if system is None:
                raise Http404
            drill = {
                "system": system["system"],
                "post": dict(Post.choices)[post],
                "posts": selectors.succession_drilldown(
                    user=request.user, system_id=system_id, post=post
                ),
            }
        return render(
            request,
            "talentpools/succession.html",
            {
                "heatmap": heatmap,
                "drill": drill,
                "organisations": organisations.order_by("system__name", "name")[:500],
            },
        )


class OrganisationSuccessionView(RoleRequiredMixin, View):
    required_roles = TALENT_STAFF
    template_name = "talentpools/succession_organisation.html"

    def _organisation(self, request, pk):
        organisation = get_object_or_404(Organisation.objects.select_related("system"), pk=pk)
        if not permissions.can_lead_organisation(request.user, organisation):
            raise Http404
        return organisation

    def _render(self, request, organisation, bad_form=None):
        posts = {
            p.post: p
            for p in selectors.post_list(user=request.user)
            .filter(organisation=organisation)
            .prefetch_related(
                Prefetch(
                    "successors",
                    queryset=Successor.objects.select_related("person__profile__organisation"),
                )
            )
        }
        people = selectors.successor_candidates(user=request.user)
        rows = []
        for code, label in Post.choices:
            post = posts.get(code)
            rows.append(
                {
                    "code": code,
                    "label": label,
                    "post": post,
                    "rag": post.rag if post else "",
                    "post_form": bad_form
                    if bad_form is not None and bad_form.prefix == f"post-{code}"
                    else PostForm(
                        prefix=f"post-{code}",
                        initial={
                            "post": code,
                            "incumbent": post.incumbent if post else "",
                            "likely_to_leave": post.incumbent_likely_to_leave if post else False,
                        },
                    ),
                    "successor_form": bad_form
                    if bad_form is not None and bad_form.prefix == f"successor-{code}"
                    else SuccessorForm(
                        prefix=f"successor-{code}", initial={"post": code}, people=people
                    ),
                }
            )
        return render(
            request,
            self.template_name,
            {
                "organisation": organisation,
                "rows": rows,
                # The posts' trail and that of every successor named for them, removed too.
                "history": audit.history_of_many(
                    SeniorPost, [p.pk for p in posts.values()], referencing=True
                ),
            },
        )

    def get(self, request, pk):
        return self._render(request, self._organisation(request, pk))

    def post(self, request, pk):
        organisation = self._organisation(request, pk)
        action = request.POST.get("action")
        code = request.POST.get("code", "")
        if code not in Post.values:
            raise Http404
        try:
            if action == "post":
                form = PostForm(request.POST, prefix=f"post-{code}")
                if not form.is_valid():
                    return self._render(request, organisation, form)
                services.post_update(
                    organisation=organisation,
                    post=code,
                    incumbent=form.cleaned_data["incumbent"],
                    likely_to_leave=form.cleaned_data["likely_to_leave"],
                    by=request.user,
                )
            elif action == "successor":
                if parse_id(request.POST.get(f"successor-{code}-person")) == request.user.pk:
                    raise ApplicationError(services.OWN_SUCCESSION)
                form = SuccessorForm(
                    request.POST,
                    prefix=f"successor-{code}",
                    people=selectors.successor_candidates(user=request.user),
                )
                if not form.is_valid():
                    return self._render(request, organisation, form)
                services.successor_set(
                    organisation=organisation,
                    post=code,
                    person=form.cleaned_data["person"],
                    readiness=form.cleaned_data["readiness"],
                    by=request.user,
                )
            elif action == "remove":
                successor = get_object_or_404(
                    Successor.objects.select_related("person", "post"),
                    pk=parse_id(request.POST.get("successor")),
                    post__organisation=organisation,
                )
                name = successor.person.get_full_name() or successor.person.email
                post = successor.post.get_post_display()
                if successor.person_id == request.user.pk:
                    raise ApplicationError(services.OWN_SUCCESSION)  # not even asked
                if request.POST.get("confirmed") != "yes":
                    return render(request, "core/confirm.html", {
                        "title": f"Remove {name} as a successor for {post}?",
                        "caption": str(organisation),
                        "consequences": [
                            f"{name} is no longer named as a successor ("
                            f"{successor.get_readiness_display().lower()}) for {post}.",
                            "The post's succession rating is worked out again without them.",
                            "The change history keeps who removed them and when.",
                        ],
                        "fields": {"action": "remove", "code": request.POST.get("code", ""),
                                   "successor": successor.pk},
                        "button": "Yes, remove them",
                        "back": reverse("talentpools:succession_organisation", args=[pk]),
                    })  # fmt: skip
                services.successor_remove(successor=successor, by=request.user)
                messages.success(request, f"{name} is no longer a successor for {post}.")
                return redirect("talentpools:succession_organisation", pk=pk)
            else:
                raise Http404
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Succession plan updated.")
        return redirect("talentpools:succession_organisation", pk=pk)


TALENT_KINDS = {
    "pool_members": "Import aspirant director pool members",
    "gmts_trainees": "Import GMTS trainees",
}


class TalentImportView(RecordsImportView):
    required_roles = ACADEMY_TEAM
    success_url_name = "talentpools:pool"

    def dispatch(self, request, *args, kind=None, **kwargs):
        if kind not in TALENT_KINDS:
            raise Http404
        self.kind, self.title = kind, TALENT_KINDS[kind]
        return super().dispatch(request, *args, **kwargs)
