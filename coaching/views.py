from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from talentportal.core.errors import ApplicationError
from talentportal.core.forms import answers_of, posted_again
from talentportal.core.import_views import RecordsImportView
from talentportal.core.periods import financial_year
from talentportal.core.views import parse_id
from talentportal.directory.permissions import RoleRequiredMixin

from . import selectors, services
from .forms import (
    ApplicationForm,
    CohortMatchForm,
    ContractForm,
    DevelopmentForm,
    EvaluationForm,
    MessageForm,
    NoteForm,
    PractitionerForm,
    PractitionerUpdateForm,
    QualificationForm,
    SessionForm,
)
from .matching import available_practitioners, shortlist
from .models import (
    Application,
    ApprovalStatus,
    CohortMatch,
    CohortMatchPair,
    Evaluation,
    Kind,
    LoggedSession,
    Practitioner,
    Qualification,
    Relationship,
)
from .todo import APPROVAL_OVERDUE

TEAM = selectors.TEAM


def _today():
    return timezone.localdate()


class HomeView(RoleRequiredMixin, View):
    """CoachNet and MentorNet for one person: applications, relationships, practice."""

    def get(self, request):
        user = request.user
        practitioner = Practitioner.objects.filter(user=user).first()
        return render(
            request,
            "coaching/home.html",
            {
                "applications": Application.objects.filter(client=user).order_by("-submitted_on"),
                "relationships": selectors.my_relationships(user=user),
                "practitioner": practitioner,
                "is_team": selectors.is_team(user),
                "kinds": Kind.choices,
            },
        )


class ApplyView(RoleRequiredMixin, View):
    template_name = "coaching/application_create.html"

    def dispatch(self, request, *args, kind=None, **kwargs):
        if kind not in Kind.values:
            raise Http404
        return super().dispatch(request, *args, kind=kind, **kwargs)

    def get(self, request, kind):
        return render(request, self.template_name, {"kind": Kind(kind), "form": ApplicationForm()})

    def post(self, request, kind):
        form = ApplicationForm(request.POST)
        if form.is_valid() and "change" not in request.POST:
            if request.POST.get("confirmed") != "yes":
                return render(request, "core/check_answers.html", {
                    "caption": f"Apply for {Kind(kind).label.lower()}",
                    "sending": "sending your application",
                    "intro": "The academy team approves applications; then you choose from a"
                    " shortlist.",
                    "answers": answers_of(form),
                    "data": posted_again(request.POST),
                    "button": "Send application",
                })  # fmt: skip
            try:
                services.application_submit(
                    client=request.user, kind=kind, today=_today(), **form.cleaned_data
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    "Your application has been sent. We will tell you when it is approved.",
                )
                return redirect("coaching:home")
        return render(request, self.template_name, {"kind": Kind(kind), "form": form})


class ShortlistView(RoleRequiredMixin, View):
    def _application(self, request, pk):
        return get_object_or_404(Application, pk=pk, client=request.user)

    def get(self, request, pk):
        application = self._application(request, pk)
        if application.status != ApprovalStatus.APPROVED:
            raise Http404
        return render(
            request,
            "coaching/shortlist.html",
            {
                "application": application,
                "candidates": shortlist(application=application, today=_today()),
                "open": Relationship.objects.filter(
                    client=request.user, kind=application.kind, status__in=Relationship.OPEN
                ).first(),
            },
        )

    def post(self, request, pk):
        application = self._application(request, pk)
        practitioner = get_object_or_404(
            Practitioner, pk=parse_id(request.POST.get("practitioner"))
        )
        relationship = services.relationship_request(
            application=application, practitioner=practitioner, today=_today()
        )
        messages.success(
            request,
            f"We have asked {practitioner}. They have until "
            f"{relationship.respond_by:%-d %B} to answer; we will email you.",
        )
        return redirect("coaching:home")


class PractitionerRegisterView(RoleRequiredMixin, View):
    template_name = "coaching/practitioner_register.html"

    def get(self, request):
        if Practitioner.objects.filter(user=request.user).exists():
            return redirect("coaching:practitioner_profile")
        return render(request, self.template_name, {"form": PractitionerForm()})

    def post(self, request):
        form = PractitionerForm(request.POST)
        if form.is_valid():
            try:
                services.practitioner_register(
                    user=request.user, today=_today(), **form.cleaned_data
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    "Thank you. Add your qualifications and supervision below; the team will "
                    "then review your registration.",
                )
                return redirect("coaching:practitioner_profile")
        return render(request, self.template_name, {"form": form})


class PractitionerProfileView(RoleRequiredMixin, View):
    """A practitioner's own record: details, open or paused, qualifications, supervision, CPD."""

    template_name = "coaching/practitioner_profile.html"

    def _practitioner(self, request):
        practitioner = Practitioner.objects.filter(user=request.user).first()
        if practitioner is None:
            raise Http404
        return practitioner

    def _render(self, request, practitioner, **forms):
        initial = {
            "themes": practitioner.themes.all(),
            "sectors": practitioner.sectors.all(),
            "modes": practitioner.modes,
            "languages": ", ".join(practitioner.languages),
            "capacity": practitioner.capacity,
            "experience": practitioner.experience,
            "biography": practitioner.biography,
            "is_open": practitioner.is_open,
        }
        forms.setdefault("details", PractitionerUpdateForm(initial=initial, prefix="details"))
        forms.setdefault("qualification", QualificationForm(prefix="qualification"))
        forms.setdefault("development", DevelopmentForm(prefix="development"))
        due = services.supervision_due_on(practitioner=practitioner)
        return render(
            request,
            self.template_name,
            {
                "practitioner": practitioner,
                "supervision_due": due,
                "supervision_lapsed": due is not None and due < _today(),
                "records": practitioner.development.all()[:20],
                "qualifications": practitioner.qualifications.all(),
                **forms,
            },
        )

    def get(self, request):
        return self._render(request, self._practitioner(request))

    def post(self, request):
        practitioner = self._practitioner(request)
        if "details" in request.POST:
            form = PractitionerUpdateForm(request.POST, prefix="details")
            if not form.is_valid():
                return self._render(request, practitioner, details=form)
            services.practitioner_update(practitioner=practitioner, **form.cleaned_data)
            messages.success(request, "Your details have been saved.")
        elif "qualification" in request.POST:
            form = QualificationForm(request.POST, request.FILES, prefix="qualification")
            if not form.is_valid():
                return self._render(request, practitioner, qualification=form)
            try:
                services.qualification_add(practitioner=practitioner, **form.cleaned_data)
            except Exception as exc:  # a file the model refuses (type, size)
                from django.core.exceptions import ValidationError

                if not isinstance(exc, ValidationError):
                    raise
                for message in exc.messages:
                    form.add_error("evidence", message)
                return self._render(request, practitioner, qualification=form)
            messages.success(request, "Qualification added.")
        elif "development" in request.POST:
            form = DevelopmentForm(request.POST, prefix="development")
            if not form.is_valid():
                return self._render(request, practitioner, development=form)
            try:
                record = services.development_record(
                    practitioner=practitioner, today=_today(), **form.cleaned_data
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                return self._render(request, practitioner, development=form)
            messages.success(request, f"{record.get_type_display()} recorded.")
        return redirect("coaching:practitioner_profile")


class RelationshipView(RoleRequiredMixin, View):
    """One relationship, for its pair only; everyone else gets 404."""

    template_name = "coaching/relationship_detail.html"

    def _relationship(self, request, pk):
        try:
            return selectors.relationship_for_member(user=request.user, pk=pk)
        except Relationship.DoesNotExist:
            raise Http404 from None

    def _render(self, request, relationship, **forms):
        user = request.user
        is_practitioner = relationship.practitioner.user_id == user.pk
        forms.setdefault("message_form", MessageForm(prefix="message"))
        if is_practitioner:
            forms.setdefault(
                "session_form", SessionForm(prefix="session", initial={"held_on": _today()})
            )
            forms.setdefault("note_form", NoteForm(prefix="note"))
        forms.setdefault(
            "contract_form",
            ContractForm(
                prefix="contract",
                initial={
                    "goals": relationship.goals,
                    "agreed_sessions": relationship.agreed_sessions,
                },
            ),
        )
        ended = relationship.status in (
            Relationship.Status.COMPLETED,
            Relationship.Status.WITHDRAWN,
        )
        evaluated = Evaluation.objects.filter(relationship=relationship, author=user).exists()
        if ended and not evaluated:
            forms.setdefault("evaluation_form", EvaluationForm(prefix="evaluation"))
        return render(
            request,
            self.template_name,
            {
                "relationship": relationship,
                "is_practitioner": is_practitioner,
                "sessions": relationship.sessions.all(),
                "messages_list": relationship.messages.select_related("sender"),
                # A practitioner's notes are theirs alone.
                "notes": relationship.private_notes.filter(author=user) if is_practitioner else [],
                "ended": ended,
                **forms,
            },
        )

    def get(self, request, pk):
        return self._render(request, self._relationship(request, pk))

    def _confirm_end(self, request, relationship, *, completed: bool):
        user = request.user
        other = relationship.other_member(user)
        name = other.get_full_name() or other.email
        kind = relationship.get_kind_display().lower()
        logged = relationship.sessions.count()
        return render(request, "core/confirm.html", {
            "title": f"{'Mark the' if completed else 'Withdraw from the'} {kind} with {name}"
                     f"{' as complete' if completed else ''}?",
            "caption": f"{relationship.get_kind_display()} relationship",
            "consequences": [
                f"The {kind} ends today: no more sessions, messages or notes can be added.",
                f"{name} is told by email, and you are both asked how it went.",
                f"The {logged} session{'s' if logged != 1 else ''} logged stay"
                " in the record and in the academy's figures.",
                *([] if completed else [
                    "It is recorded as withdrawn, not completed."
                ]),
            ],
            "fields": {"action": "complete" if completed else "withdraw"},
            "button": "Yes, mark it as complete" if completed else "Yes, withdraw",
            "safe": completed,
            "back": reverse("coaching:relationship", args=[relationship.pk]),
        })  # fmt: skip

    def post(self, request, pk):
        relationship = self._relationship(request, pk)
        user, today, action = request.user, _today(), request.POST.get("action")
        if action in ("accept", "decline"):
            services.relationship_respond(
                relationship=relationship, by=user, accept=action == "accept", today=today,
                reason=request.POST.get("reason", ""),
            )  # fmt: skip
            messages.success(request, "Thank you: the client has been told.")
        elif action == "log_session":
            form = SessionForm(request.POST, prefix="session")
            if not form.is_valid():
                return self._render(request, relationship, session_form=form)
            try:
                services.session_log(
                    relationship=relationship, by=user, today=today, **form.cleaned_data
                )
            except services.SameDaySession as exc:
                form = SessionForm(request.POST, prefix="session", same_day=True)
                form.is_valid()
                form.add_error("second_on_the_day", exc.message)
                return self._render(request, relationship, session_form=form)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                return self._render(request, relationship, session_form=form)
            messages.success(request, "Session logged.")
        elif action == "confirm_session":
            session = get_object_or_404(
                LoggedSession, pk=parse_id(request.POST.get("session")), relationship=relationship
            )
            services.session_confirm(session=session, by=user)
            messages.success(request, "Thank you for confirming the session.")
        elif action == "contract":
            form = ContractForm(request.POST, prefix="contract")
            if not form.is_valid():
                return self._render(request, relationship, contract_form=form)
            services.relationship_contract(relationship=relationship, by=user, **form.cleaned_data)
            messages.success(request, "Agreement saved.")
        elif action == "message":
            form = MessageForm(request.POST, prefix="message")
            if not form.is_valid():
                return self._render(request, relationship, message_form=form)
            services.message_send(
                relationship=relationship,
                sender=user,
                body=form.cleaned_data["body"],
                now=timezone.now(),
            )
            messages.success(request, "Message sent.")
        elif action == "note":
            form = NoteForm(request.POST, prefix="note")
            if not form.is_valid():
                return self._render(request, relationship, note_form=form)
            services.note_add(
                relationship=relationship, author=user, text=form.cleaned_data["text"]
            )
            messages.success(request, "Note saved.")
        elif action in ("complete", "withdraw"):
            completed = action == "complete"
            if request.POST.get("confirmed") != "yes":
                return self._confirm_end(request, relationship, completed=completed)
            services.relationship_end(
                relationship=relationship, by=user, completed=completed, today=today
            )
            other = relationship.other_member(user)
            messages.success(
                request,
                f"The {relationship.get_kind_display().lower()} with "
                f"{other.get_full_name() or other.email} has "
                f"{'ended as complete' if completed else 'been withdrawn'}; you have both been"
                " told. Please tell us how it went.",
            )
        elif action == "evaluate":
            form = EvaluationForm(request.POST, prefix="evaluation")
            if not form.is_valid():
                return self._render(request, relationship, evaluation_form=form)
            services.evaluation_submit(
                relationship=relationship, author=user, now=timezone.now(), **form.cleaned_data
            )
            messages.success(request, "Thank you for your evaluation.")
        else:
            messages.error(request, "That action is not available.")
        return redirect("coaching:relationship", pk=relationship.pk)


# The coaching and mentoring team


class TeamView(RoleRequiredMixin, View):
    """The team's first page: registrations and applications waiting for approval, with
    what each asked for, the oldest first and flagged once a week has gone by."""

    required_roles = TEAM

    def get(self, request):
        today = _today()
        overdue = today - APPROVAL_OVERDUE
        # Each waiting registration and application says why this person cannot decide it
        # (their own), so the page offers no buttons the service would refuse.
        practitioners = list(selectors.pending_practitioners())
        for p in practitioners:
            p.refusal = services.practitioner_decision_refusal(practitioner=p, by=request.user)
            p.overdue = p.submitted_on < overdue
        applications = list(selectors.pending_applications())
        for a in applications:
            a.refusal = services.application_decision_refusal(application=a, by=request.user)
            a.overdue = a.submitted_on < overdue
        return render(request, "coaching/team.html", {
            "practitioners": practitioners, "applications": applications, "section": "approvals",
        })  # fmt: skip

    def post(self, request):
        decision = request.POST.get("decision")
        if decision not in ("approve", "decline"):
            messages.error(request, "Choose approve or do not approve.")
            return redirect("coaching:team")
        approve = decision == "approve"
        if request.POST.get("practitioner"):
            practitioner = get_object_or_404(
                Practitioner, pk=parse_id(request.POST["practitioner"])
            )
            services.practitioner_decide(
                practitioner=practitioner, approve=approve, today=_today(), by=request.user
            )
            messages.success(
                request, f"{practitioner} {'approved' if approve else 'not approved'}."
            )
        elif request.POST.get("application"):
            application = get_object_or_404(Application, pk=parse_id(request.POST["application"]))
            services.application_decide(
                application=application, approve=approve, today=_today(), by=request.user
            )
            messages.success(request, f"{application} {'approved' if approve else 'not approved'}.")
        return redirect("coaching:team")


class TeamRelationshipsView(RoleRequiredMixin, View):
    """The year's figures and every relationship (who, status, dates and counts), filtered
    and a page at a time; a request not answered in time is flagged."""

    required_roles = TEAM
    PER_PAGE = 50

    def get(self, request):
        start, end = financial_year(_today())
        kind = request.GET.get("kind") if request.GET.get("kind") in Kind.values else None
        status = (
            request.GET.get("status")
            if request.GET.get("status") in Relationship.Status.values
            else None
        )
        page = Paginator(
            selectors.team_relationships(kind=kind, status=status), self.PER_PAGE
        ).get_page(request.GET.get("page"))
        today = _today()
        for r in page:
            r.overdue = r.status == Relationship.Status.REQUESTED and bool(
                r.respond_by and r.respond_by < today
            )
        query = {k: v for k, v in (("kind", kind), ("status", status)) if v}
        return render(request, "coaching/team_relationships.html", {
            "page": page, "query": urlencode(query), "section": "relationships",
            "figures": [(Kind(k).label, selectors.figures(kind=k, start=start, end=end))
                        for k in Kind.values],
            "start": start, "end": end, "kinds": Kind.choices,
            "statuses": Relationship.Status.choices, "kind": kind, "status": status,
            "matches": CohortMatch.objects.order_by("-created_at")[:10],
        })  # fmt: skip


class TeamPractitionersView(RoleRequiredMixin, View):
    """Every approved coach and mentor: what they offer, places taken and free, and whether
    their supervision is current (without it they are not matched)."""

    required_roles = TEAM

    def get(self, request):
        return render(request, "coaching/team_practitioners.html", {
            "practitioners": selectors.team_practitioners(today=_today()),
            "section": "practitioners",
        })  # fmt: skip


def _matchable_applications(user):
    """Approved applications not yet used: no relationship from them (declined ones aside),
    no open relationship of the same kind for the client, and not in a draft match; never
    the signed-in person's own (someone else in the team matches them)."""
    open_same_kind = Relationship.objects.filter(
        client_id=OuterRef("client_id"), kind=OuterRef("kind"), status__in=Relationship.OPEN
    )
    used = Relationship.objects.filter(application=OuterRef("pk")).exclude(
        status=Relationship.Status.DECLINED
    )
    in_draft = CohortMatchPair.objects.filter(
        application=OuterRef("pk"), match__status=CohortMatch.Status.DRAFT
    )
    return (
        Application.objects.filter(status=ApprovalStatus.APPROVED)
        .exclude(Exists(open_same_kind))
        .exclude(Exists(used))
        .exclude(Exists(in_draft))
        .exclude(client=user)
        .select_related("client")
        .order_by("kind", "client__last_name")
    )


class CohortMatchCreateView(RoleRequiredMixin, View):
    required_roles = TEAM
    template_name = "coaching/cohort_match_create.html"

    def get(self, request):
        form = CohortMatchForm(applications=_matchable_applications(request.user))
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = CohortMatchForm(request.POST, applications=_matchable_applications(request.user))
        if form.is_valid():
            try:
                match = services.cohort_match_create(
                    name=form.cleaned_data["name"],
                    kind=form.cleaned_data["kind"],
                    applications=list(form.cleaned_data["applications"]),
                    by=request.user,
                    now=timezone.now(),
                )
            except ApplicationError as exc:
                form.add_error("applications", exc.message)
            else:
                return redirect("coaching:cohort_match", pk=match.pk)
        return render(request, self.template_name, {"form": form})


class CohortMatchView(RoleRequiredMixin, View):
    required_roles = TEAM

    def get(self, request, pk):
        match = get_object_or_404(CohortMatch, pk=pk)
        pairs = list(match.pairs.select_related("application__client", "practitioner__user"))
        own = any(p.application.client_id == request.user.pk for p in pairs)
        choices = []
        if match.status == CohortMatch.Status.DRAFT and not own:
            choices = list(
                available_practitioners(kind=match.kind, today=_today()).order_by(
                    "user__last_name", "user__first_name"
                )
            )
        return render(
            request,
            "coaching/cohort_match_detail.html",
            {
                "match": match,
                "pairs": pairs,
                "own_match": services.OWN_MATCH_PUBLISH if own else "",
                "choices": choices,
            },
        )

    def post(self, request, pk):
        match = get_object_or_404(CohortMatch, pk=pk)
        if request.POST.get("action") in ("change", "swap"):
            pair = get_object_or_404(match.pairs, pk=parse_id(request.POST.get("pair")))
            kwargs = {}
            if request.POST["action"] == "swap":
                kwargs["swap_with"] = get_object_or_404(
                    match.pairs, pk=parse_id(request.POST.get("other"))
                )
            elif request.POST.get("practitioner"):
                kwargs["practitioner"] = get_object_or_404(
                    Practitioner, pk=parse_id(request.POST.get("practitioner"))
                )
            services.cohort_match_adjust(pair=pair, by=request.user, now=timezone.now(), **kwargs)
            messages.success(request, f"Match changed for {pair.application.client}.")
            return redirect("coaching:cohort_match", pk=match.pk)
        count, skipped = services.cohort_match_publish(
            match=match, now=timezone.now(), by=request.user
        )
        messages.success(request, f"Published: {count} practitioners have been asked.")
        for reason in skipped:
            messages.warning(request, f"Not sent: {reason}.")
        return redirect("coaching:cohort_match", pk=match.pk)


class EvidenceView(RoleRequiredMixin, View):
    """A qualification's evidence, for the team and its owner only, always as a download
    (never rendered as a page)."""

    def get(self, request, pk):
        qualification = get_object_or_404(
            Qualification.objects.select_related("practitioner"), pk=pk
        )
        if (
            not (
                selectors.is_team(request.user)
                or qualification.practitioner.user_id == request.user.pk
            )
            or not qualification.evidence
        ):
            raise Http404
        return FileResponse(
            qualification.evidence.open("rb"),
            as_attachment=True,
            filename=f"evidence-{qualification.pk}{Path(qualification.evidence.name).suffix}",
        )


COACHING_KINDS = {
    "coaching_people": "Import coaches, mentors, coachees and mentees",
    "relationships": "Import coaching and mentoring relationships",
    "coaching_sessions": "Import logged sessions",
}


class CoachingImportView(RecordsImportView):
    """Upload pages for the team, one per kind of past record (people first)."""

    required_roles = TEAM
    success_url_name = "coaching:team"

    def dispatch(self, request, *args, kind=None, **kwargs):
        if kind not in COACHING_KINDS:
            raise Http404
        self.kind, self.title = kind, COACHING_KINDS[kind]
        return super().dispatch(request, *args, **kwargs)
