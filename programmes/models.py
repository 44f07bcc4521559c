"""The programme catalogue, bookings with capacity and waiting lists, and registers.

Something is booked either as one dated session or as a whole cohort (which
books every session of the cohort). Each confirmed booking gets one register
entry per session it covers; attendance is marked on those entries, and "not
yet recorded" is never counted as did-not-attend.

Capacity is kept as a `taken` counter on the session, the cohort and each
system allocation, moved only by guarded `UPDATE ... WHERE taken < capacity`
statements in the booking services and backed by CHECK constraints.

What the year's figures count is kept in summary tables (reporting/summaries.py), brought
up to date from what changed since a watermark: every programme, session, booking and
register entry carries `changed_at`, and deleted bookings, entries and sessions leave a
`FigureChange` row. Bookings and register entries stamp `changed_at` with a trigger, so no
write path (admin, import, raw SQL) can be missed; sessions and programmes, whose rows
hold the hot `taken` counter or are edited only through forms, stamp it in Python.
"""

import pgtrigger
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import BrinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now

from talentportal.directory.models import (
    Band,
    EqualityAnswers,
    IntegratedCareSystem,
    Organisation,
    OrganisationType,
    Region,
    StaffGroup,
    User,
)


def _stamp_changed_at(name: str) -> pgtrigger.Trigger:
    """BEFORE UPDATE: the row's changed_at is the writing transaction's start."""
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.Before,
        operation=pgtrigger.Update,
        func="NEW.changed_at := now(); RETURN NEW;",
    )


def _log_delete(name: str, session: str, cohort: str) -> pgtrigger.Trigger:
    """AFTER DELETE: leave the session (or cohort) whose figures the row counted in."""
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.After,
        operation=pgtrigger.Delete,
        func=(
            "INSERT INTO programmes_figurechange (session_id, cohort_id, changed_at) "  # noqa: S608
            f"VALUES ({session}, {cohort}, now()); RETURN NULL;"
        ),
    )


def _catalogue_changed(name: str, operation) -> pgtrigger.Trigger:
    """AFTER a statement that may change what the catalogue shows: one more catalogue
    version (`CatalogueVersion`), whatever wrote it (a form, the admin, an import, raw SQL).
    Once per statement, not per row; and a booking, which only moves a session's `taken`
    counter, fires nothing (sessions watch only the columns the catalogue reads)."""
    return pgtrigger.Trigger(
        name=name,
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=operation,
        func=(
            "INSERT INTO programmes_catalogueversion (id, n) VALUES (1, 1) "
            "ON CONFLICT (id) DO UPDATE SET n = programmes_catalogueversion.n + 1; "
            "RETURN NULL;"
        ),
    )


class CatalogueVersion(models.Model):
    """One row counting changes to the catalogue's programmes, sessions and workstreams
    (kept by `_catalogue_changed` triggers): the catalogue page caches what it renders for
    each query under the version it read, so a change shows on the next request."""

    n = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"catalogue version {self.n}"


class Workstream(models.Model):
    """Reporting workstreams; an admin-editable list."""

    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        triggers = [
            _catalogue_changed(
                "workstream_catalogue", pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return self.name


class PeoplePlanTheme(models.TextChoices):
    NEW_CHALLENGES = "new_challenges", "Responding to new challenges"
    LOOKING_AFTER = "looking_after", "Looking after our people"
    BELONGING = "belonging", "Belonging in the NHS"
    NEW_WAYS = "new_ways", "New ways of working and delivering care"
    GROWING = "growing", "Growing for the future"
    LONG_TERM = "long_term", "Supporting our people for the long term"


class Format(models.TextChoices):
    WORKSHOP = "workshop", "Workshop"
    MASTERCLASS = "masterclass", "Masterclass"
    MULTI_MODULE = "multi_module", "Multi-module programme"
    SERIES_BUNDLE = "series_bundle", "Series bundle"
    WEBINAR = "webinar", "Webinar"
    DROP_IN = "drop_in", "Drop-in / coffee and chat"
    ACTION_LEARNING = "action_learning_set", "Action learning set"
    DEVELOPMENT_CENTRE = "development_centre", "Development centre"
    E_LEARNING = "e_learning", "E-learning"


class Delivery(models.TextChoices):
    VIRTUAL = "virtual", "Virtual"
    IN_PERSON = "in_person", "In person"
    HYBRID = "hybrid", "Hybrid"


class Programme(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.TextField()
    workstream = models.ForeignKey(Workstream, on_delete=models.PROTECT, related_name="programmes")
    people_plan_theme = models.CharField(max_length=20, choices=PeoplePlanTheme.choices)
    format = models.CharField(max_length=30, choices=Format.choices)
    delivery = models.CharField(max_length=20, choices=Delivery.choices)
    provider = models.CharField(max_length=200, blank=True)
    audience = models.TextField(blank=True, help_text="Who the programme is for, in words.")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="programmes")
    pan_regional = models.BooleanField(
        default=False, help_text="Commissioned once nationally and offered in every region."
    )
    # Eligibility: an empty list means "anyone".
    eligible_bands = ArrayField(
        models.CharField(max_length=10, choices=Band.choices), blank=True, default=list
    )
    eligible_staff_groups = ArrayField(
        models.CharField(max_length=20, choices=StaffGroup.choices), blank=True, default=list
    )
    eligible_sectors = models.ManyToManyField(
        OrganisationType, blank=True, related_name="+", verbose_name="eligible sectors"
    )
    eligible_systems = models.ManyToManyField(
        IntegratedCareSystem, blank=True, related_name="+", verbose_name="eligible systems"
    )
    published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True, db_default=Now(), db_index=True)

    class Meta:
        ordering = ["title"]
        triggers = [
            _catalogue_changed(
                "programme_catalogue", pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    bookable_singly = models.BooleanField(
        default=True, help_text="Participants may book this module's sessions one at a time."
    )

    class Meta:
        ordering = ["programme", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Cohort(models.Model):
    """A group that is booked as a whole: booking it books every one of its sessions."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=200)
    capacity = models.PositiveIntegerField()
    taken = models.PositiveIntegerField(default=0, editable=False)
    booking_opens_at = models.DateTimeField(null=True, blank=True)
    booking_closes_at = models.DateTimeField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["programme", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(taken__lte=F("capacity")), name="cohort_taken_within_capacity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.name}"

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.taken, 0)

    def clean(self):
        if self.capacity is not None and self.capacity < self.taken:
            raise ValidationError(
                {"capacity": f"{self.taken} places are already taken; capacity cannot be lower."}
            )


class CohortAllocation(models.Model):
    """Places of a cohort kept for one integrated care system, on top of the overall capacity."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="allocations")
    system = models.ForeignKey(IntegratedCareSystem, on_delete=models.PROTECT, related_name="+")
    places = models.PositiveIntegerField()
    taken = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["cohort", "system__name"]
        constraints = [
            models.UniqueConstraint("cohort", "system", name="allocation_one_per_system"),
            models.CheckConstraint(
                condition=Q(taken__lte=F("places")), name="allocation_taken_within_places"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.system}: {self.places}"

    def clean(self):
        if self.places is not None and self.places < self.taken:
            raise ValidationError(
                {"places": f"{self.taken} of these places are taken; there cannot be fewer."}
            )


class Session(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled by the organiser"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sessions")
    module = models.ForeignKey(
        Module, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, null=True, blank=True, related_name="sessions"
    )
    title = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.CharField(max_length=300, blank=True)
    joining_url = models.URLField(blank=True)
    capacity = models.PositiveIntegerField()
    taken = models.PositiveIntegerField(default=0, editable=False)
    facilitator = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="facilitated_sessions"
    )
    booking_opens_at = models.DateTimeField(null=True, blank=True)
    booking_closes_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    reference = models.CharField(
        max_length=100, blank=True, help_text="An imported session's reference (session_ref)."
    )
    # Stamped in Python (not by a trigger): this row holds the hot `taken` counter.
    changed_at = models.DateTimeField(auto_now=True, db_default=Now(), db_index=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(taken__lte=F("capacity")), name="session_taken_within_capacity"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
            models.UniqueConstraint(
                "reference", name="session_reference_unique", condition=~Q(reference="")
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "starts_at"]),
            # The year's sessions: rows are appended in roughly time order.
            BrinIndex(fields=["starts_at"], name="session_starts_brin"),
        ]
        triggers = [
            _log_delete("session_deleted", "OLD.id", "NULL"),
            _catalogue_changed(
                "session_catalogue",
                pgtrigger.Insert
                | pgtrigger.Delete
                | pgtrigger.UpdateOf("programme_id", "starts_at", "status"),
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(self.programme)

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The session must end after it starts."
        if self.capacity is not None and self.capacity < self.taken:
            errors["capacity"] = f"{self.taken} places are already taken; capacity cannot be lower."
        if self.cohort_id and self.programme_id and self.cohort.programme_id != self.programme_id:
            errors["cohort"] = "The cohort belongs to another programme."
        if self.module_id and self.programme_id and self.module.programme_id != self.programme_id:
            errors["module"] = "The module belongs to another programme."
        if errors:
            raise ValidationError(errors)

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def display_title(self) -> str:
        return self.title or (self.module.title if self.module_id else self.programme.title)


class Booking(EqualityAnswers):
    """A person's place (or place in the queue) on one session or one cohort.

    Its equality answers are those the person confirmed when booking."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Booked"
        WAITLISTED = "waitlisted", "On the waiting list"
        OFFERED = "offered", "Offered a place"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Offer expired"
        REMOVED = "removed", "Removed from the waiting list"
        ORGANISER_CANCELLED = "organiser_cancelled", "Cancelled by the organiser"

    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED, Status.OFFERED)
    # Statuses that hold one of the counted places.
    HOLDING = (Status.CONFIRMED, Status.OFFERED)

    class Source(models.TextChoices):
        PORTAL = "portal", "Booked in the portal"
        IMPORT = "import", "Imported from past records"

    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="bookings")
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.PORTAL)
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    late_cancellation = models.BooleanField(default=False)
    # Waiting list: ordered by position; an offer holds the place until it expires.
    waitlist_position = models.PositiveIntegerField(null=True, blank=True)
    # The system allocation this booking's place counts against, if any: released exactly.
    allocation = models.ForeignKey(
        "CohortAllocation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    # An offer made by hand (services.waitlist_offer): who, and why out of queue order.
    offered_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    offer_reason = models.CharField(max_length=300, blank=True, default="", db_default="")
    # Who the participant was when they booked: the figures of past years must not move
    # when someone changes job. Equality answers are special-category data.
    system = models.ForeignKey(
        IntegratedCareSystem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    band = models.CharField(max_length=10, choices=Band.choices, blank=True)
    staff_group = models.CharField(max_length=20, choices=StaffGroup.choices, blank=True)
    changed_at = models.DateTimeField(db_default=Now(), editable=False, db_index=True)
    # Calendar invitations sent for this booking; the next one's SEQUENCE. A calendar
    # ignores an update whose SEQUENCE is not higher than the one it holds.
    invites_sent = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(session__isnull=False, cohort__isnull=True)
                | Q(session__isnull=True, cohort__isnull=False),
                name="booking_one_target",
            ),
            models.UniqueConstraint(
                "person",
                "session",
                name="booking_one_active_per_session",
                condition=Q(status__in=["confirmed", "waitlisted", "offered"]),
            ),
            models.UniqueConstraint(
                "person",
                "cohort",
                name="booking_one_active_per_cohort",
                condition=Q(status__in=["confirmed", "waitlisted", "offered"]),
            ),
        ]
        indexes = [
            models.Index(
                fields=["session", "waitlist_position"],
                name="booking_session_queue",
                condition=Q(status="waitlisted"),
            ),
            models.Index(
                fields=["cohort", "waitlist_position"],
                name="booking_cohort_queue",
                condition=Q(status="waitlisted"),
            ),
            models.Index(
                fields=["offer_expires_at"],
                name="booking_open_offers",
                condition=Q(status="offered"),
            ),
        ]
        triggers = [
            _stamp_changed_at("booking_changed_at"),
            _log_delete("booking_deleted", "OLD.session_id", "OLD.cohort_id"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.target}"

    @property
    def target(self):
        return self.session if self.session_id else self.cohort


class RegisterEntry(models.Model):
    """One line of a session's register: a confirmed booking that covers the session."""

    class Attendance(models.TextChoices):
        NOT_RECORDED = "", "Not yet recorded"
        ATTENDED = "attended", "Attended"
        DID_NOT_ATTEND = "did_not_attend", "Did not attend"

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="register_entries")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="register_entries")
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, blank=True, default=Attendance.NOT_RECORDED
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(db_default=Now(), editable=False, db_index=True)

    class Meta:
        ordering = ["session", "booking__person__last_name", "booking__person__first_name"]
        verbose_name_plural = "register entries"
        constraints = [
            models.UniqueConstraint("booking", "session", name="register_entry_once"),
        ]
        triggers = [
            _stamp_changed_at("register_entry_changed_at"),
            _log_delete("register_entry_deleted", "OLD.session_id", "NULL"),
        ]

    def __str__(self) -> str:
        return f"{self.booking.person} at {self.session}"


class FigureChange(models.Model):
    """A deleted booking, register entry or session, left by a trigger for the summary
    sweep (which deletes these rows once it has recounted their session or cohort)."""

    session_id = models.BigIntegerField(null=True)
    cohort_id = models.BigIntegerField(null=True)
    changed_at = models.DateTimeField(db_default=Now())

    def __str__(self) -> str:
        return f"Change to session {self.session_id} / cohort {self.cohort_id}"


class Evaluation(models.Model):
    """A participant's short evaluation after attending; quotable only once approved."""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="evaluation")
    rating = models.PositiveSmallIntegerField(help_text="1 (poor) to 5 (excellent)")
    will_do_differently = models.TextField(blank=True)
    comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField()
    approved_for_publication = models.BooleanField(default=False)
    approved_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="evaluation_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"Evaluation of {self.booking}"


class AssessmentDimension(models.Model):
    """One dimension of a programme's before-and-after self-assessment, rated 1 to 5."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="dimensions")
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "order", "id"]
        constraints = [
            models.UniqueConstraint("programme", "name", name="assessment_dimension_unique")
        ]

    def __str__(self) -> str:
        return self.name


class AssessmentAnswer(models.Model):
    """A participant's self-rating on one dimension, before they start or once they finish."""

    class Stage(models.TextChoices):
        BEFORE = "before", "Before the programme"
        AFTER = "after", "After the programme"

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="assessment_answers"
    )
    dimension = models.ForeignKey(
        AssessmentDimension, on_delete=models.CASCADE, related_name="answers"
    )
    stage = models.CharField(max_length=6, choices=Stage.choices)
    rating = models.PositiveSmallIntegerField()
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint("booking", "dimension", "stage", name="assessment_answer_once"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="assessment_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension} {self.stage}: {self.rating}"
