import csv
import hashlib
import io
import re
from datetime import UTC, datetime

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from talentportal.core.cache import cached_html
from talentportal.core.errors import ApplicationError
from talentportal.core.import_views import RecordsImportView
from talentportal.core.tables import BoundedPaginationMixin, spreadsheet_safe
from talentportal.core.views import parse_id
from talentportal.directory.models import EqualityMonitoring, Role
from talentportal.directory.permissions import ACADEMY_TEAM, RoleRequiredMixin, has_role

from . import selectors, services
from .eligibility import refusal_reason
from .emails import calendar_for
from .filters import CatalogueFilter
from .forms import (
    BookingForm,
    EvaluationForm,
    OfferReasonForm,
    ProgrammeForm,
    TeamSessionForm,
    WaitlistMoveForm,
)
from .models import Booking, Cohort, Evaluation, Format, Programme, RegisterEntry, Session
from .tables import CatalogueTable

ADMINS = {Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN}


def _target(kind: str, pk: int):
    if kind == "series":
        return get_object_or_404(Programme, pk=pk, format=Format.SERIES_BUNDLE, published=True)
    model = {"session": Session, "cohort": Cohort}.get(kind)
    if model is None:
        raise Http404
    return get_object_or_404(model.objects.select_related("programme"), pk=pk)


class CatalogueView(RoleRequiredMixin, BoundedPaginationMixin, SingleTableMixin, FilterView):
    """The catalogue: the filter form, the count and a page of the table are the same for
    everyone asking the same query, so they are rendered once and kept in the cache under
    the query and the catalogue's version (any change to a programme, session date or
    status, or workstream makes a new one) for up to `CACHE_SECONDS`, which bounds how long
    a passed session can still show as a programme's next date. "Only what I am eligible
    for" depends on who asks, and a query with a parameter the page does not know (or one
    given twice) is nobody's bookmark: neither is kept. Every new key costs a full render
    first, so the keys alive at once are bounded by what the server can render in a minute
    (about 2,700 pages of some 15 kB on 2 cores)."""

    template_name = "programmes/programme_list.html"
    table_class = CatalogueTable
    filterset_class = CatalogueFilter
    # Only the table paginates (a `paginate_by` would make the list view count the
    # programmes a second time, for a page object the template never uses).
    table_pagination = {"per_page": 25}
    CACHE_SECONDS = 60
    # "Only what I am eligible for" (`eligible`) depends on who asks: never kept.
    KEPT_PARAMETERS = {*CatalogueFilter.base_filters, "page", "per_page", "sort"} - {"eligible"}

    def get_queryset(self):
        return selectors.programme_list(now=timezone.now())

    def get(self, request, *args, **kwargs):
        self.bound_list_query(request)
        query = request.GET
        if not all(name in self.KEPT_PARAMETERS and len(query.getlist(name)) == 1
                   for name in query):  # fmt: skip
            catalogue = self.catalogue_html(request)
        else:
            digest = hashlib.sha256(query.urlencode().encode()).hexdigest()[:32]
            key = f"catalogue:{selectors.catalogue_version()}:{digest}"
            catalogue = cached_html(
                key, lambda: self.catalogue_html(request), seconds=self.CACHE_SECONDS
            )
        catalogue = self.with_places(catalogue, request.user)
        return TemplateResponse(request, self.template_name, {
            "catalogue": catalogue, "is_admin": has_role(request.user, *ADMINS),
        })  # fmt: skip

    PLACES = re.compile(r"<!--tp-places:(\d+):(\d+)-->")

    def with_places(self, html: str, user) -> SafeString:
        """The kept HTML with each row's places and the person's eligibility written in:
        both change without the catalogue's version changing (a booking, a profile)."""
        dates = {
            (int(pk), datetime.fromtimestamp(int(stamp), tz=UTC))
            for pk, stamp in self.PLACES.findall(html)
        }
        if not dates:
            return mark_safe(html)  # noqa: S308 (the portal's own rendered template)
        rows = selectors.catalogue_places(
            dates=dates, profile=lambda: services.profile_for_eligibility(user)
        )

        def cell(match):
            left, refusal = rows.get(int(match.group(1)), (None, None))
            return render_to_string(
                "programmes/_catalogue_places.html", {"left": left, "refusal": refusal}
            ).strip()

        return mark_safe(self.PLACES.sub(cell, html))  # noqa: S308 (escaped by the template)

    def catalogue_html(self, request) -> str:
        """The filter form, the count and the page of the table, rendered."""
        return super().get(request).rendered_content

    def get_template_names(self):
        return ["programmes/_catalogue.html"]


class ProgrammeDetailView(RoleRequiredMixin, TemplateView):
    template_name = "programmes/programme_detail.html"

    def get_context_data(self, slug, **kwargs):
        ctx = super().get_context_data(**kwargs)
        try:
            programme = selectors.programme_detail(slug=slug, user=self.request.user)
        except Programme.DoesNotExist:
            raise Http404 from None
        now = timezone.now()
        user = self.request.user
        profile = services.profile_for_eligibility(user)

        def refusal(target):
            return services.booking_refusal(target=target, person=user, now=now, profile=profile)

        mine = {
            (b.session_id, b.cohort_id): b
            for b in Booking.objects.filter(
                person=self.request.user, status__in=Booking.ACTIVE
            ).filter(Q(session__programme=programme) | Q(cohort__programme=programme))
        }
        single = [s for s in programme.sessions.all() if not s.cohort_id]
        ctx.update(
            programme=programme,
            sessions=[
                (
                    s,
                    mine.get((s.pk, None)),
                    refusal(s),
                )
                for s in single
                if s.starts_at > now or mine.get((s.pk, None))
            ],
            cohorts=[
                (
                    c,
                    mine.get((None, c.pk)),
                    refusal(c),
                )
                for c in programme.cohorts.all()
            ],
            is_admin=has_role(self.request.user, *ADMINS),
            # Why this person cannot book the programme at all (not one date): said once,
            # at the top, rather than beside every date.
            not_eligible=refusal_reason(programme=programme, profile=profile),
        )
        return ctx


class BookView(RoleRequiredMixin, View):
    """GET: confirm the booking and equality answers. POST (programmes:book): book."""

    template_name = "programmes/booking_create.html"

    def _initial(self, user):
        record = EqualityMonitoring.objects.filter(user=user).first()
        if record is None:
            return {"ethnic_category": "Z", "disability": "not_stated", "sex": "not_stated"}
        return {
            "ethnic_category": record.ethnic_category,
            "disability": record.disability,
            "sex": record.sex,
        }

    def _render(self, request, target, form, refusal=None):
        series = isinstance(target, Programme)
        return render(
            request,
            self.template_name,
            {
                "target": target,
                "programme": target if series else target.programme,
                "series": services.series_sessions(programme=target, now=timezone.now())
                if series
                else None,
                "form": form,
                "refusal": refusal,
            },
        )

    def _target(self, request, kind, pk):
        """What is to be booked; an unpublished programme's session or cohort is not there
        for anyone but the academy team (as in the catalogue), so its title never shows."""
        target = _target(kind, pk)
        programme = target if isinstance(target, Programme) else target.programme
        if not programme.published and not has_role(request.user, *ACADEMY_TEAM):
            raise Http404
        return target

    def get(self, request, kind, pk):
        target = self._target(request, kind, pk)
        if isinstance(target, Programme):
            return self._render(request, target, BookingForm(initial=self._initial(request.user)))
        refusal = services.booking_refusal(target=target, person=request.user, now=timezone.now())
        return self._render(
            request, target, BookingForm(initial=self._initial(request.user)), refusal
        )

    def post(self, request, kind, pk):
        target = self._target(request, kind, pk)
        form = BookingForm(request.POST)
        if not form.is_valid() or "change" in request.POST:
            return self._render(request, target, form)
        if request.POST.get("confirmed") != "yes":
            return self._check(request, target, form)
        if isinstance(target, Programme):
            return self._book_series(request, target, form)
        try:
            booking = services.booking_create(
                person=request.user,
                target=target,
                now=timezone.now(),
                equality=services.EqualityAnswers(**form.cleaned_data),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("programmes:programme_detail", slug=target.programme.slug)
        if booking.status == Booking.Status.CONFIRMED:
            messages.success(
                request,
                f"You are booked on {target.programme.title}. We have emailed you the details.",
            )
        else:
            messages.info(
                request,
                f"{target.programme.title} is full, so you are on the waiting list "
                f"(position {booking.waitlist_position}). We will email you if a place comes up.",
            )
        return redirect("programmes:my_bookings")

    def _check(self, request, target, form):
        """Check your answers (NHS.UK pattern) before the booking is made: what, when,
        where, and the equality answers it will carry, each changeable."""
        series = isinstance(target, Programme)
        answers = [
            (form.fields[name].label, dict(form.fields[name].choices)[form.cleaned_data[name]])
            for name in ("ethnic_category", "disability", "sex")
        ]
        return render(request, "programmes/booking_check.html", {
            "target": target,
            "programme": target if series else target.programme,
            "series": services.series_sessions(programme=target, now=timezone.now())
            if series else None,
            "sessions": [] if series else selectors.target_sessions(target),
            "answers": answers,
            "data": {name: form.data[name] for name in ("ethnic_category", "disability", "sex")},
        })  # fmt: skip

    def _book_series(self, request, programme, form):
        try:
            bookings = services.series_book(
                person=request.user,
                programme=programme,
                now=timezone.now(),
                equality=services.EqualityAnswers(**form.cleaned_data),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("programmes:programme_detail", slug=programme.slug)
        booked = sum(b.status == Booking.Status.CONFIRMED for b in bookings)
        waiting = len(bookings) - booked
        note = f" and on the waiting list for {waiting}" if waiting else ""
        messages.success(
            request, f"You are booked on {booked} workshop{'s' if booked != 1 else ''}{note}."
        )
        return redirect("programmes:my_bookings")


class MyBookingsView(RoleRequiredMixin, TemplateView):
    template_name = "programmes/booking_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        now = timezone.now()
        upcoming, waiting, past = [], [], []
        for b in selectors.booking_list(user=self.request.user):
            start = b.session.starts_at if b.session_id else b.first_start
            if b.status in (Booking.Status.WAITLISTED, Booking.Status.OFFERED):
                waiting.append(b)
            elif b.status == Booking.Status.CONFIRMED and start and start > now:
                upcoming.append(b)
            else:
                past.append(b)
        upcoming.sort(key=lambda b: b.session.starts_at if b.session_id else b.first_start)
        for b in upcoming + past:
            last_start, last_end = (
                (b.session.starts_at, b.session.ends_at)
                if b.session_id
                else (b.last_start, b.last_end)
            )
            b.ask_before, b.ask_after = (
                services.self_assessment_refusal(
                    stage=stage,
                    confirmed=b.status == Booking.Status.CONFIRMED,
                    assessed=b.assessed,
                    answered=answered,
                    last_start=last_start,
                    last_end=last_end,
                    now=now,
                )
                is None
                for stage, answered in (("before", b.rated_before), ("after", b.rated_after))
            )
        ctx.update(upcoming=upcoming, waiting=waiting, past=past)
        return ctx


class _OwnBookingAction(RoleRequiredMixin, View):
    def booking(self, request, pk):
        try:
            return selectors.booking_for_owner(user=request.user, pk=pk)
        except Booking.DoesNotExist:
            raise Http404 from None


class BookingCancelView(_OwnBookingAction):
    def get(self, request, pk):
        """Confirm first, on a page of its own: what is given up, and what happens next."""
        booking = self.booking(request, pk)
        if booking.status not in Booking.ACTIVE:
            return redirect("programmes:my_bookings")
        target, title = booking.target, booking.target.programme.title
        when = (
            f"{timezone.localtime(target.starts_at):%-d %B %Y at %H:%M}"
            if booking.session_id
            else target.name
        )
        if booking.status == Booking.Status.CONFIRMED:
            late = services.cancellation_is_late(target=target, now=timezone.now())
            context = {
                "title": "Cancel your booking?",
                "consequences": [
                    f"You give up your place on {title}, {when}.",
                    "The next person on the waiting list is offered it, and you are sent a"
                    " cancellation for your calendar.",
                    *(
                        [
                            "You are cancelling close to the start, so it is recorded as a late"
                            " cancellation."
                        ]
                        if late
                        else []
                    ),
                ],  # fmt: skip
                "button": "Yes, cancel my booking",
            }
        else:
            context = {
                "title": "Leave the waiting list?",
                "consequences": [
                    f"You leave the waiting list for {title}, {when}."
                    + (
                        " The place you were offered goes to the next person."
                        if booking.status == Booking.Status.OFFERED
                        else ""
                    ),
                    "If you join again, you join at the end of the list.",
                ],  # fmt: skip
                "button": "Yes, leave the waiting list",
            }
        return render(request, "core/confirm.html", {
            **context, "caption": title, "back": reverse("programmes:my_bookings"),
        })  # fmt: skip

    def post(self, request, pk):
        booking = services.booking_cancel(booking=self.booking(request, pk), now=timezone.now())
        note = " This was a late cancellation." if booking.late_cancellation else ""
        messages.success(
            request, f"Your booking on {booking.target.programme.title} is cancelled.{note}"
        )
        return redirect("programmes:my_bookings")


class OfferAcceptView(_OwnBookingAction):
    def post(self, request, pk):
        booking = services.offer_accept(booking=self.booking(request, pk), now=timezone.now())
        messages.success(request, f"You are booked on {booking.target.programme.title}.")
        return redirect("programmes:my_bookings")


class OfferDeclineView(_OwnBookingAction):
    def get(self, request, pk):
        """Confirm first: a declined place goes to the next person and cannot come back."""
        booking = self.booking(request, pk)
        if booking.status != Booking.Status.OFFERED:
            return redirect("programmes:my_bookings")
        title = booking.target.programme.title
        return render(request, "core/confirm.html", {
            "title": "Decline the place you were offered?", "caption": title,
            "consequences": [
                f"You give up the place offered on {title}, and leave its waiting list.",
                "It is offered to the next person waiting.",
            ],
            "button": "Yes, decline the place",
            "back": reverse("programmes:my_bookings"),
        })  # fmt: skip

    def post(self, request, pk):
        booking = services.offer_decline(booking=self.booking(request, pk), now=timezone.now())
        messages.success(
            request, f"You have declined the place on {booking.target.programme.title}."
        )
        return redirect("programmes:my_bookings")


class BookingCalendarView(_OwnBookingAction):
    def get(self, request, pk):
        booking = self.booking(request, pk)
        if booking.status != Booking.Status.CONFIRMED:
            raise Http404
        sessions = (
            [booking.session]
            if booking.session_id
            else list(booking.cohort.sessions.exclude(status=Session.Status.CANCELLED))
        )
        response = HttpResponse(
            calendar_for(booking, sessions, change=False),
            content_type="text/calendar; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="booking-{booking.pk}.ics"'
        return response


class EvaluationView(_OwnBookingAction):
    template_name = "programmes/evaluation_create.html"

    def _attended(self, booking):
        return booking.register_entries.filter(
            attendance=RegisterEntry.Attendance.ATTENDED
        ).exists()

    def get(self, request, pk):
        booking = self.booking(request, pk)
        if not self._attended(booking):
            raise Http404
        if Evaluation.objects.filter(booking=booking).exists():
            messages.info(request, "Thank you: you have already sent your evaluation.")
            return redirect("programmes:my_bookings")
        return render(request, self.template_name, {"booking": booking, "form": EvaluationForm()})

    def post(self, request, pk):
        booking = self.booking(request, pk)
        if not self._attended(booking):
            raise Http404
        form = EvaluationForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"booking": booking, "form": form})
        services.evaluation_submit(booking=booking, now=timezone.now(), **form.cleaned_data)
        messages.success(request, "Thank you for your evaluation.")
        return redirect("programmes:my_bookings")


# The academy team and facilitators


class _SessionAction(RoleRequiredMixin, View):
    def session(self, request, pk):
        session = get_object_or_404(
            Session.objects.select_related("programme", "module", "cohort"), pk=pk
        )
        if not selectors.can_run_register(user=request.user, session=session):
            raise Http404
        return session


class RegisterView(_SessionAction):
    template_name = "programmes/register_detail.html"

    def get(self, request, pk):
        session = self.session(request, pk)
        return render(
            request,
            self.template_name,
            {
                "session": session,
                "entries": selectors.register_entries(session=session),
                # The service refuses marks before the start, and on a cancelled session.
                "markable": session.starts_at <= timezone.now()
                and session.status != Session.Status.CANCELLED,
                # Attended first: it is what most lines get.
                "choices": [
                    (RegisterEntry.Attendance.ATTENDED, "Attended"),
                    (RegisterEntry.Attendance.DID_NOT_ATTEND, "Did not attend"),
                    (RegisterEntry.Attendance.NOT_RECORDED, "Not yet recorded"),
                ],
            },
        )

    def post(self, request, pk):
        session = self.session(request, pk)
        entries = selectors.register_entries(session=session)
        if "all_attended" in request.POST:
            marks = {e.pk: RegisterEntry.Attendance.ATTENDED for e in entries if not e.attendance}
        else:
            marks = {}
            for e in entries:
                value = request.POST.get(f"entry-{e.pk}")
                if value is not None:
                    marks[e.pk] = value
        try:
            changed = services.register_mark(
                session=session, marks=marks, by=request.user, now=timezone.now()
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("programmes:register", pk=session.pk)
        messages.success(request, f"Register saved: {changed} change{'s' if changed != 1 else ''}.")
        return redirect("programmes:register", pk=session.pk)


class RegisterExportView(_SessionAction):
    def get(self, request, pk, fmt):
        if fmt not in ("csv", "xlsx"):
            raise Http404
        session = self.session(request, pk)
        rows = [["Name", "Email", "Organisation", "Attendance"]]
        for e in selectors.register_entries(session=session):
            rows.append(
                [
                    e.booking.person.get_full_name(),
                    e.booking.person.email,
                    str(e.booking.organisation or ""),
                    e.get_attendance_display(),
                ]
            )
        rows = [[spreadsheet_safe(cell) for cell in row] for row in rows]
        name = f"register-{session.starts_at:%Y-%m-%d}-{session.pk}"
        if fmt == "csv":
            out = io.StringIO()
            csv.writer(out).writerows(rows)
            response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        else:
            from openpyxl import Workbook

            book = Workbook()
            sheet = book.active
            sheet.title = "Register"
            for row in rows:
                sheet.append(row)
            out = io.BytesIO()
            book.save(out)
            response = HttpResponse(
                out.getvalue(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response


class RegistersToCompleteView(RoleRequiredMixin, TemplateView):
    template_name = "programmes/register_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["sessions"] = selectors.registers_to_complete(
            user=self.request.user, now=timezone.now()
        )
        return ctx


class CohortCancelView(RoleRequiredMixin, View):
    """GET: what cancelling the cohort will do. POST: cancel it and tell everyone."""

    required_roles = ADMINS

    def get(self, request, pk):
        cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
        affected = Booking.objects.filter(cohort=cohort, status__in=Booking.ACTIVE).count()
        return render(
            request, "programmes/cohort_cancel.html", {"cohort": cohort, "affected": affected}
        )

    def post(self, request, pk):
        cohort = get_object_or_404(Cohort, pk=pk)
        notified = services.cohort_cancel(cohort=cohort, now=timezone.now())
        messages.success(request, f"Cohort cancelled. {notified} people have been told.")
        return redirect("programmes:programme_detail", slug=cohort.programme.slug)


class SessionCancelView(RoleRequiredMixin, View):
    """GET: what cancelling will do, and a button. POST: cancel and tell everyone."""

    required_roles = ADMINS

    def get(self, request, pk):
        session = get_object_or_404(Session.objects.select_related("programme", "cohort"), pk=pk)
        affected = Booking.objects.filter(
            Q(session=session) | Q(cohort_id=session.cohort_id, cohort__isnull=False),
            status__in=Booking.ACTIVE,
        ).count()
        return render(
            request,
            "programmes/session_cancel.html",
            {"session": session, "affected": affected},
        )

    def post(self, request, pk):
        session = get_object_or_404(Session, pk=pk)
        notified = services.session_cancel(session=session, now=timezone.now())
        messages.success(request, f"Session cancelled. {notified} people have been told.")
        return redirect("programmes:programme_detail", slug=session.programme.slug)


class WaitingListView(RoleRequiredMixin, View):
    required_roles = ADMINS
    template_name = "programmes/waiting_list.html"

    def dispatch(self, request, *args, kind=None, **kwargs):
        if kind not in ("session", "cohort"):
            raise Http404
        return super().dispatch(request, *args, kind=kind, **kwargs)

    def get(self, request, kind, pk):
        target = _target(kind, pk)
        return render(
            request,
            self.template_name,
            {
                "target": target,
                "kind": kind,
                "bookings": selectors.waiting_list(target=target),
                "form": WaitlistMoveForm(),
            },
        )

    def post(self, request, kind, pk):
        target = _target(kind, pk)
        booking = get_object_or_404(
            Booking, pk=parse_id(request.POST.get("booking")), **{kind: target}
        )
        name = booking.person.get_full_name() or booking.person.email
        if "offer" in request.POST:
            return self._offer(request, kind, target, booking, name)
        if "remove" in request.POST:
            if request.POST.get("confirmed") != "yes":
                return render(request, "core/confirm.html", {
                    "title": f"Remove {name} from the waiting list?",
                    "caption": target.programme.title,
                    "consequences": [
                        f"{name} is taken off the waiting list and told by email.",
                        "Everyone behind them moves up one place.",
                    ],
                    "fields": {"booking": booking.pk, "remove": "1"},
                    "button": f"Yes, remove {name}",
                    "back": reverse("programmes:waiting_list", args=[kind, target.pk]),
                })  # fmt: skip
            services.waitlist_remove(booking=booking, now=timezone.now())
            messages.success(request, f"{name} has been taken off the waiting list and told.")
        else:
            form = WaitlistMoveForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Enter a position of 1 or more.")
            else:
                position, waiting = services.waitlist_move(
                    booking=booking, position=form.cleaned_data["position"]
                )
                messages.success(
                    request, f"{name} is now number {position} of {waiting} on the waiting list."
                )
        return redirect("programmes:waiting_list", kind=kind, pk=target.pk)

    def _offer(self, request, kind, target, booking, name):
        """Offer a free place by hand: asked first, with why when it is out of queue order."""
        first = booking.waitlist_position == 1
        reason = request.POST.get("reason", "")
        error = ""
        if request.POST.get("confirmed") == "yes":
            try:
                services.waitlist_offer(booking=booking, by=request.user, reason=reason,
                                        now=timezone.now())  # fmt: skip
            except ApplicationError as exc:
                error = exc.message
            else:
                messages.success(request, f"{name} has been offered the place and told by email.")
                return redirect("programmes:waiting_list", kind=kind, pk=target.pk)
        form = OfferReasonForm(initial={"reason": reason}, required=not first)
        if error:
            form = OfferReasonForm({"reason": reason}, required=not first)
            form.is_valid()
            form.add_error("reason" if not first and not reason.strip() else None, error)
        return render(request, "core/confirm.html", {
            "title": f"Offer {name} a place now?",
            "caption": target.programme.title,
            "consequences": [
                f"{name} is emailed the offer and has {settings.PROGRAMMES_OFFER_HOURS} hours"
                " to accept it.",
                *([] if first else [
                    f"They are number {booking.waitlist_position} on the waiting list, so they"
                    " go before the people ahead of them: the reason is kept with the offer.",
                ]),
            ],
            "fields": {"booking": booking.pk, "offer": "1"},
            "extra_form": form, "button": "Yes, offer the place", "safe": True,
            "back": reverse("programmes:waiting_list", args=[kind, target.pk]),
        })  # fmt: skip


class EvaluationListView(RoleRequiredMixin, View):
    required_roles = ADMINS
    template_name = "programmes/evaluation_list.html"

    def get(self, request):
        evaluations = Evaluation.objects.select_related(
            "booking__session__programme", "booking__cohort__programme"
        ).order_by("-submitted_at")[:200]
        return render(request, self.template_name, {"evaluations": evaluations})

    def post(self, request):
        evaluation = get_object_or_404(Evaluation, pk=parse_id(request.POST.get("evaluation")))
        services.evaluation_approve(
            evaluation=evaluation,
            approved="approve" in request.POST,
            by=request.user,
            now=timezone.now(),
        )
        messages.success(request, "Evaluation updated.")
        return redirect("programmes:evaluation_list")


class BookingImportView(RecordsImportView):
    required_roles = ADMINS
    kind = "bookings"
    title = "Import past bookings"
    success_url_name = "programmes:registers"


class SelfAssessmentView(_OwnBookingAction):
    """Rate yourself on the programme's dimensions, before you start or once you finish."""

    template_name = "programmes/self_assessment.html"

    def _form(self, booking, data=None):
        from .forms import SelfAssessmentForm

        programme = booking.target.programme
        return SelfAssessmentForm(data, dimensions=list(programme.dimensions.all()))

    def get(self, request, pk, stage):
        booking = self.booking(request, pk)
        if stage not in ("before", "after"):
            raise Http404
        return render(
            request,
            self.template_name,
            {"booking": booking, "stage": stage, "form": self._form(booking)},
        )

    def post(self, request, pk, stage):
        booking = self.booking(request, pk)
        if stage not in ("before", "after"):
            raise Http404
        form = self._form(booking, request.POST)
        if form.is_valid():
            try:
                services.self_assessment_submit(
                    booking=booking, stage=stage, ratings=form.ratings(), now=timezone.now()
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Thank you: your self-assessment is saved.")
                return redirect("programmes:my_bookings")
        return render(
            request, self.template_name, {"booking": booking, "stage": stage, "form": form}
        )


class ProgrammeEditView(RoleRequiredMixin, View):
    """The academy team writes a programme's catalogue entry: a new one, or a change."""

    required_roles = ADMINS
    template_name = "programmes/programme_edit.html"

    def _programme(self, slug):
        return get_object_or_404(Programme, slug=slug) if slug else Programme()

    def get(self, request, slug=None):
        programme = self._programme(slug)
        form = ProgrammeForm(instance=programme if programme.pk else None)
        return render(request, self.template_name, {"form": form, "programme": programme})

    def post(self, request, slug=None):
        programme = self._programme(slug)
        form = ProgrammeForm(request.POST, instance=programme if programme.pk else None)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "programme": programme})
        new = programme.pk is None
        programme = services.programme_save(
            programme=programme, fields={k: form.cleaned_data[k] for k in ProgrammeForm.Meta.fields}
        )
        messages.success(
            request,
            f"{programme.title} {'added' if new else 'saved'}."
            + ("" if programme.published else " It is not published: only the team can see it."),
        )
        return redirect("programmes:programme_detail", slug=programme.slug)


class SessionEditView(RoleRequiredMixin, View):
    """The academy team adds a date to a programme, or changes one: places, time, venue or
    joining link. People booked are sent the new details; new places go to those waiting."""

    required_roles = ADMINS
    template_name = "programmes/session_edit.html"

    def _objects(self, slug, pk):
        if pk:
            session = get_object_or_404(Session.objects.select_related("programme"), pk=pk)
            return session.programme, session
        return get_object_or_404(Programme, slug=slug), None

    def _render(self, request, programme, session, form):
        return render(request, self.template_name, {
            "programme": programme, "session": session, "form": form,
        })  # fmt: skip

    def get(self, request, slug=None, pk=None):
        programme, session = self._objects(slug, pk)
        initial = TeamSessionForm.initial_for(session) if session else {}
        return self._render(request, programme, session,
                            TeamSessionForm(programme=programme, initial=initial))  # fmt: skip

    def post(self, request, slug=None, pk=None):
        programme, session = self._objects(slug, pk)
        form = TeamSessionForm(request.POST, programme=programme)
        if not form.is_valid():
            return self._render(request, programme, session, form)
        target = session or Session(programme=programme)
        try:
            target, offered = services.target_save(
                target=target, fields=form.session_fields(), now=timezone.now()
            )
        except ApplicationError as exc:
            form.add_error("capacity", exc.message)
            return self._render(request, programme, session, form)
        when = f"{timezone.localtime(target.starts_at):%-d %B %Y, %H:%M}"
        note = (
            f" {offered} {'person' if offered == 1 else 'people'} waiting offered a place."
            if offered
            else ""
        )
        messages.success(request, f"{'Changed' if session else 'Added'}: {when}.{note}")
        return redirect("programmes:programme_detail", slug=programme.slug)
