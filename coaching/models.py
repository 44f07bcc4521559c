"""CoachNet and MentorNet: two parallel services on the same machinery.

Practitioners (coaches, mentors) register and are approved; clients (coachees,
mentees) apply and are approved; a client picks a practitioner from a ranked
shortlist (or the team assigns a cohort optimally); the pair manage the
relationship, log sessions and hours, and end it. Only the pair sees a
relationship's content; the coaching team sees status, dates and counts.
"""

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from talentportal.core.storage import random_name
from talentportal.core.triggers import audited, log_changes
from talentportal.directory.models import OrganisationType, User

# The year's coaching figures are kept in summary tables (reporting/summaries.py), recounted
# person by person: every write that can change them leaves the person (or the relationship)
# in FigureChange, by trigger, whatever made it.
_LOG = "coaching_figurechange"


def _person_changed(name: str, person: str, *watched: str):
    return log_changes(
        name=name, log=_LOG, columns={"person_id": "{row}." + person}, watched=watched
    )


class Kind(models.TextChoices):
    COACHING = "coaching", "Coaching"
    MENTORING = "mentoring", "Mentoring"


class Mode(models.TextChoices):
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone"
    IN_PERSON = "in_person", "In person"


class Theme(models.Model):
    """What practitioners work on and clients ask for; an admin-editable list."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApprovalStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for approval"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Not approved"


class Practitioner(models.Model):
    """A coach, a mentor or both, on the register once the coaching team approves them."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="practitioner")
    coaches = models.BooleanField("offers coaching", default=False)
    mentors = models.BooleanField("offers mentoring", default=False)
    themes = models.ManyToManyField(Theme, blank=True, related_name="practitioners")
    experience = models.TextField(blank=True)
    sectors = models.ManyToManyField(
        OrganisationType, blank=True, related_name="+", help_text="Sectors they know well."
    )
    modes = ArrayField(models.CharField(max_length=12, choices=Mode.choices), default=list)
    languages = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        default=2, help_text="The most clients they will see at once."
    )
    is_open = models.BooleanField(default=True, help_text="Paused practitioners are not matched.")
    biography = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=ApprovalStatus.choices, default=ApprovalStatus.SUBMITTED
    )
    submitted_on = models.DateField()
    approved_on = models.DateField(null=True, blank=True)
    supervision_reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(coaches=True) | Q(mentors=True), name="practitioner_offers_something"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_on__isnull=False),
                name="practitioner_approval_dated",
            ),
        ]
        triggers = [
            _person_changed(
                "practitioner_figures", "user_id", "user_id", "coaches", "mentors", "approved_on"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)

    def offers(self, kind: str) -> bool:
        return self.coaches if kind == Kind.COACHING else self.mentors

    @property
    def mode_labels(self) -> list[str]:
        return [Mode(m).label for m in self.modes]

    @property
    def kind_label(self) -> str:
        if self.coaches and self.mentors:
            return "Coach and mentor"
        return "Coach" if self.coaches else "Mentor"


def _evidence_path(instance, filename: str) -> str:
    """A random name: evidence is never found by guessing, and never served directly."""
    return random_name("coaching/evidence", filename)


def _evidence_size(upload) -> None:
    if upload.size > 5 * 1024 * 1024:
        raise ValidationError("The evidence file must be 5 MB or smaller.")


class Qualification(models.Model):
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="qualifications"
    )
    body = models.CharField(max_length=200, help_text="e.g. EMCC, ICF, ILM, AoEC")
    level = models.CharField(max_length=100, help_text="e.g. Level 7, Senior Practitioner")
    awarded_on = models.DateField()
    evidence = models.FileField(
        upload_to=_evidence_path,
        blank=True,
        validators=[FileExtensionValidator(["pdf", "png", "jpg", "jpeg"]), _evidence_size],
        help_text="A PDF or image of the certificate, 5 MB at most.",
    )

    class Meta:
        ordering = ["-awarded_on"]

    def __str__(self) -> str:
        return f"{self.body} {self.level}"


class DevelopmentRecord(models.Model):
    """Supervision and continuing professional development, with dates."""

    class Type(models.TextChoices):
        SUPERVISION = "supervision", "Supervision"
        CPD = "cpd", "CPD"

    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="development"
    )
    type = models.CharField(max_length=12, choices=Type.choices)
    held_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("1.00"))
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-held_on"]
        indexes = [models.Index(fields=["practitioner", "type", "held_on"])]

    def __str__(self) -> str:
        return f"{self.get_type_display()} on {self.held_on}"


class Application(models.Model):
    """A member of staff asking for a coach or a mentor."""

    client = models.ForeignKey(User, on_delete=models.CASCADE, related_name="coaching_applications")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    goals = models.TextField()
    themes = models.ManyToManyField(Theme, blank=True, related_name="+")
    mode = models.CharField(max_length=12, choices=Mode.choices, blank=True)
    language = models.CharField(max_length=40, blank=True)
    prefers_other_system = models.BooleanField(
        default=False, help_text="Would rather have a practitioner from another system."
    )
    line_manager_agrees = models.BooleanField()
    status = models.CharField(
        max_length=12, choices=ApprovalStatus.choices, default=ApprovalStatus.SUBMITTED
    )
    submitted_on = models.DateField()
    approved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_on__isnull=False),
                name="application_approval_dated",
            ),
            models.UniqueConstraint(
                "client",
                "kind",
                condition=Q(status="submitted"),
                name="application_one_open_per_kind",
            ),
        ]
        triggers = [
            _person_changed("application_figures", "client_id", "client_id", "kind", "approved_on")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.client}"


# Status changes are audited (who, what, when) by django-pghistory triggers; of the goals
# and the decline reason, which only the pair sees, the trail keeps only that they changed.
@audited(withheld=("goals", "decline_reason"))
class Relationship(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN = (Status.REQUESTED, Status.ACTIVE)

    kind = models.CharField(max_length=10, choices=Kind.choices)
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="relationships"
    )
    client = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="coaching_relationships"
    )
    application = models.ForeignKey(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="relationships"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    requested_on = models.DateField(null=True, blank=True)
    respond_by = models.DateField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    goals = models.TextField(blank=True, help_text="Agreed at contracting.")
    agreed_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    decline_reason = models.CharField(max_length=200, blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text="Imported reference.")
    last_activity_on = models.DateField(null=True, blank=True)
    inactivity_reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "-requested_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["active", "completed"]) | Q(started_on__isnull=False),
                name="relationship_started_dated",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["completed", "withdrawn"]) | Q(ended_on__isnull=False),
                name="relationship_end_dated",
            ),
            models.UniqueConstraint(
                "client",
                "kind",
                condition=Q(status__in=["requested", "active"]),
                name="relationship_one_open_per_client_kind",
            ),
            models.UniqueConstraint(
                "reference", condition=~Q(reference=""), name="relationship_reference_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "started_on"]),
            models.Index(fields=["kind", "ended_on"]),
        ]
        triggers = [
            _person_changed(
                "relationship_figures",
                "client_id",
                *("client_id", "kind", "status", "started_on", "ended_on"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.practitioner} with {self.client}"

    def other_member(self, user):
        """The other person of the pair: the client for the practitioner, and so on."""
        return self.practitioner.user if user.pk == self.client_id else self.client


class LoggedSession(models.Model):
    """A session the practitioner held with the client; the client can confirm it."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="sessions"
    )
    held_on = models.DateField()
    hours = models.DecimalField(
        max_digits=4, decimal_places=2, validators=[MinValueValidator(Decimal("0.25"))]
    )
    mode = models.CharField(max_length=12, choices=Mode.choices)
    confirmed_by_client = models.BooleanField(default=False)
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "id"]
        indexes = [models.Index(fields=["held_on"])]
        triggers = [
            log_changes(
                name="logged_session_figures",
                log=_LOG,
                columns={"relationship_id": "{row}.relationship_id"},
                watched=("relationship_id", "held_on", "hours"),
            )
        ]
        constraints = [
            # Quarter-hour steps, from a quarter of an hour to 8 hours.
            models.CheckConstraint(
                condition=Q(hours__gte=Decimal("0.25"), hours__lte=Decimal("8")),
                name="logged_session_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h on {self.held_on}"

    def clean(self):
        if self.hours is not None and (self.hours * 4) % 1 != 0:
            raise ValidationError({"hours": "Log hours in quarter-hour steps (0.25, 0.5, 0.75 …)."})


class FigureChange(models.Model):
    """A write that may change someone's coaching figures, left by a trigger for the
    summary sweep, which deletes these rows as it recounts their person (the client of
    `relationship_id` for a logged session)."""

    person_id = models.BigIntegerField(null=True)
    relationship_id = models.BigIntegerField(null=True)

    def __str__(self) -> str:
        return f"Change to person {self.person_id} / relationship {self.relationship_id}"


class PrivateNote(models.Model):
    """A practitioner's own notes: visible to their author only, never to administrators."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="private_notes"
    )
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_at"]

    def __str__(self) -> str:
        return "Private note"


class Message(models.Model):
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return "Message"


class Evaluation(models.Model):
    """Each side's short evaluation when a relationship ends."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="evaluations"
    )
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField()
    comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint("relationship", "author", name="coaching_evaluation_once"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="coaching_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return "Evaluation"


class CohortMatch(models.Model):
    """A cohort assignment computed for review, then published as relationship requests."""

    class Status(models.TextChoices):
        DRAFT = "draft", "For review"
        PUBLISHED = "published", "Published"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField()
    total_score = models.IntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class CohortMatchPair(models.Model):
    match = models.ForeignKey(CohortMatch, on_delete=models.CASCADE, related_name="pairs")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    score = models.IntegerField(default=0)
    reasons = models.TextField(blank=True)

    class Meta:
        ordering = ["match", "id"]
        constraints = [
            models.UniqueConstraint("match", "application", name="cohort_match_once"),
        ]

    def __str__(self) -> str:
        return f"{self.application} → {self.practitioner or 'unmatched'}"
