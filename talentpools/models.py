"""Talent pools and pipelines: the aspirant director pool and its nominations, the EDP, HPS
and GMTS schemes, nine-box talent reviews and succession plans.

Nominations, pool memberships, nine-box placements and succession plans are tracked by
django-pghistory (PostgreSQL triggers): every insert, update and delete is kept with who
made it, whichever code path wrote it.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from talentportal.directory.models import IntegratedCareSystem, Organisation, Scheme


def audited():
    """Track every insert, update and delete (fresh trackers: they bind to one model)."""
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent()
    )


class RoleFamily(models.TextChoices):
    CHIEF_EXECUTIVE = "chief_executive", "Chief Executive"
    NURSING = "nursing", "Director of Nursing"
    MEDICAL = "medical", "Medical Director"
    OPERATIONS = "operations", "Chief Operating Officer"
    FINANCE = "finance", "Director of Finance"
    WORKFORCE = "workforce", "Director of Workforce/HR"
    OTHER = "other", "Other director role"


class Readiness(models.TextChoices):
    READY_NOW = "ready_now", "Ready now (within 12 months)"
    ONE_TO_TWO = "one_to_two", "Ready in 1–2 years"


class Route(models.TextChoices):
    NOMINATED = "nominated", "Nominated by a talent lead"
    SELF = "self", "Self-nomination"


class Pool(models.TextChoices):
    ASPIRANT_DIRECTORS = "aspirant_directors", "Aspirant director pool"


class NominationWindow(models.Model):
    """A round of nominations. Its close date can only move later (a service rule)."""

    name = models.CharField(max_length=150)
    opens_on = models.DateField()
    closes_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="window_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_open(self, today) -> bool:
        return self.opens_on <= today <= self.closes_on


class NominationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for a decision"
    ACCEPTED = "accepted", "Accepted"
    NOT_YET = "not_yet", "Not yet – with feedback"
    DECLINED = "declined", "Declined"


@audited()
class Nomination(models.Model):
    window = models.ForeignKey(NominationWindow, on_delete=models.PROTECT, related_name="+")
    nominee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nominations"
    )
    route = models.CharField(max_length=12, choices=Route.choices)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Where the nominee worked when nominated: the scope talent leads see it by.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    system = models.ForeignKey(IntegratedCareSystem, on_delete=models.PROTECT, related_name="+")
    role_family = models.CharField(max_length=20, choices=RoleFamily.choices)
    readiness = models.CharField(max_length=12, choices=Readiness.choices)
    evidence = models.TextField()
    sponsor_name = models.CharField("executive sponsor", max_length=200)
    sponsor_job_title = models.CharField("sponsor's job title", max_length=200)
    sponsor_endorsed = models.BooleanField(default=False)
    status = models.CharField(
        max_length=12, choices=NominationStatus.choices, default=NominationStatus.SUBMITTED
    )
    feedback = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    decided_on = models.DateField(null=True, blank=True)
    submitted_on = models.DateField()

    class Meta:
        ordering = ["-submitted_on", "-id"]
        constraints = [
            models.UniqueConstraint("window", "nominee", name="one_nomination_per_window"),
            models.CheckConstraint(
                condition=Q(sponsor_endorsed=True), name="nomination_sponsor_endorsed"
            ),
            models.CheckConstraint(
                condition=Q(route="self") | Q(nominated_by__isnull=False),
                name="nomination_has_nominator",
            ),
            models.CheckConstraint(
                condition=Q(status="submitted", decided_on__isnull=True)
                | (~Q(status="submitted") & Q(decided_on__isnull=False)),
                name="nomination_decided_on_iff_decided",
            ),
        ]
        indexes = [models.Index(fields=["submitted_on"])]

    def __str__(self) -> str:
        return f"Nomination of {self.nominee} ({self.get_role_family_display()})"


class LeaveReason(models.TextChoices):
    APPOINTED = "appointed", "Appointed to a director role"
    WITHDREW = "withdrew", "Withdrew"
    OTHER = "other", "Other"


@audited()
class PoolMembership(models.Model):
    pool = models.CharField(max_length=30, choices=Pool.choices, default=Pool.ASPIRANT_DIRECTORS)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pool_memberships"
    )
    route = models.CharField(max_length=12, choices=Route.choices)
    nomination = models.OneToOneField(
        Nomination, on_delete=models.SET_NULL, null=True, blank=True, related_name="membership"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    system = models.ForeignKey(IntegratedCareSystem, on_delete=models.PROTECT, related_name="+")
    role_family = models.CharField(max_length=20, choices=RoleFamily.choices, blank=True)
    readiness = models.CharField(max_length=12, choices=Readiness.choices, blank=True)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    leave_reason = models.CharField(max_length=12, choices=LeaveReason.choices, blank=True)
    leave_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-joined_on", "id"]
        constraints = [
            models.UniqueConstraint(
                "pool", "member", condition=Q(left_on__isnull=True), name="one_open_membership"
            ),
            models.UniqueConstraint("pool", "member", "joined_on", name="membership_unique_join"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="membership_leaves_after_joining",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True, leave_reason="")
                | (Q(left_on__isnull=False) & ~Q(leave_reason="")),
                name="membership_leave_reason_iff_left",
            ),
        ]
        indexes = [models.Index(fields=["pool", "joined_on", "left_on"])]

    def __str__(self) -> str:
        return f"{self.member} in the {self.get_pool_display().lower()}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class CareerConversation(models.Model):
    membership = models.ForeignKey(
        PoolMembership, on_delete=models.CASCADE, related_name="conversations"
    )
    held_on = models.DateField()
    held_with = models.CharField("with", max_length=200)
    summary = models.TextField()
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Career conversation on {self.held_on:%-d %B %Y}"


class Vacancy(models.Model):
    """A director vacancy the team posts; pool members of the same role family are told."""

    title = models.CharField(max_length=200)
    role_family = models.CharField(max_length=20, choices=RoleFamily.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(blank=True)
    link = models.URLField("advert link", blank=True)
    closes_on = models.DateField()
    posted_on = models.DateField()
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["closes_on", "id"]
        verbose_name_plural = "vacancies"

    def __str__(self) -> str:
        return f"{self.title}, {self.organisation}"


class VacancyInterest(models.Model):
    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="interests")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vacancy_interests"
    )
    expressed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("vacancy", "member", name="one_interest_per_vacancy")
        ]

    def __str__(self) -> str:
        return f"{self.member} interested in {self.vacancy}"


# Schemes ---------------------------------------------------------------------------------


class SchemeCohort(models.Model):
    """An EDP or HPS cohort. HPS cohorts are owned by one or more integrated care systems."""

    scheme = models.CharField(max_length=10, choices=[c for c in Scheme.choices if c[0] != "gmts"])
    name = models.CharField(max_length=150)
    starts_on = models.DateField()
    ends_on = models.DateField()
    systems = models.ManyToManyField(IntegratedCareSystem, blank=True, related_name="+")

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="scheme_cohort_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(scheme__in=["edp", "hps"]), name="scheme_cohort_edp_or_hps"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()}: {self.name}"


class ParticipantStatus(models.TextChoices):
    ACTIVE = "active", "On the scheme"
    COMPLETED = "completed", "Completed"
    WITHDREW = "withdrew", "Withdrew"


class Outcome(models.TextChoices):
    NONE = "", "Not yet recorded"
    APPOINTED = "appointed", "Appointed to an executive director role"
    NEW_ROLE = "new_role", "New role"
    PROMOTION = "promotion", "Promotion"
    NO_CHANGE = "no_change", "No change of role"


class SchemeParticipant(models.Model):
    cohort = models.ForeignKey(SchemeCohort, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scheme_places"
    )
    # Where the person worked when given the place (their organisation's system), as pool
    # memberships and nominations keep it: the year in review counts the place there, so a
    # later move does not rewrite past years. None for someone without a workplace.
    system = models.ForeignKey(
        IntegratedCareSystem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target_role = models.CharField(
        "target profession", max_length=20, choices=RoleFamily.choices, blank=True
    )
    status = models.CharField(
        max_length=12, choices=ParticipantStatus.choices, default=ParticipantStatus.ACTIVE
    )
    left_on = models.DateField(null=True, blank=True)
    # Wrap-around support (HPS): names, as these people are often outside the portal.
    coach = models.CharField(max_length=200, blank=True)
    mentor = models.CharField(max_length=200, blank=True)
    sponsor = models.CharField(max_length=200, blank=True)
    action_learning_facilitator = models.CharField(
        "action learning set facilitator", max_length=200, blank=True
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField("outcome date", null=True, blank=True)
    outcome_role = models.CharField("role secured", max_length=200, blank=True)
    outcome_organisation = models.CharField("where", max_length=200, blank=True)

    class Meta:
        ordering = ["cohort", "person"]
        constraints = [
            models.UniqueConstraint("cohort", "person", name="one_place_per_cohort"),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome_on__isnull=False),
                name="participant_outcome_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.cohort}"


class Milestone(models.Model):
    participant = models.ForeignKey(
        SchemeParticipant, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class Specialism(models.TextChoices):
    GENERAL = "general_management", "General Management"
    HR = "human_resources", "Human Resources"
    INFORMATICS = "health_informatics", "Health Informatics"
    FINANCE = "finance", "Finance"


class TraineeStatus(models.TextChoices):
    IN_TRAINING = "in_training", "In training"
    COMPLETED = "completed", "Completed"
    WITHDREW = "withdrew", "Withdrew"


class Destination(models.TextChoices):
    NHS = "nhs_employment", "Employed in the NHS"
    OTHER = "other", "Other"


class Trainee(models.Model):
    """A GMTS trainee: one intake (the month the scheme starts), one specialism, and a host
    organisation that employs them; placements may take them elsewhere."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gmts_places"
    )
    intake = models.DateField(help_text="The first day of the intake's month.")
    specialism = models.CharField(max_length=20, choices=Specialism.choices)
    host_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    support_manager = models.CharField("trainee support manager", max_length=200, blank=True)
    status = models.CharField(
        max_length=12, choices=TraineeStatus.choices, default=TraineeStatus.IN_TRAINING
    )
    completed_on = models.DateField(
        null=True, blank=True, help_text="The day they completed or left."
    )
    destination = models.CharField(max_length=20, choices=Destination.choices, blank=True)

    class Meta:
        ordering = ["-intake", "person"]
        constraints = [
            models.UniqueConstraint("person", "intake", name="one_trainee_place_per_intake"),
            models.CheckConstraint(condition=Q(intake__day=1), name="intake_is_first_of_month"),
            models.CheckConstraint(
                condition=Q(status="in_training", completed_on__isnull=True)
                | (~Q(status="in_training") & Q(completed_on__isnull=False)),
                name="trainee_completed_on_iff_finished",
            ),
            models.CheckConstraint(
                condition=Q(destination="") | Q(status="completed"),
                name="trainee_destination_only_after_completion",
            ),
        ]
        indexes = [models.Index(fields=["intake", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.person} (GMTS {self.intake:%B %Y})"


class TraineePlacement(models.Model):
    trainee = models.ForeignKey(Trainee, on_delete=models.CASCADE, related_name="placements")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()
    manager = models.CharField("placement manager", max_length=200, blank=True)
    is_flexi = models.BooleanField("flexi placement", default=False)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="placement_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"Placement at {self.organisation}"


class BidReview(models.TextChoices):
    PENDING = "pending", "Waiting for quality assurance"
    APPROVED = "approved", "Approved"
    CONDITIONS = "conditions", "Approved with conditions"
    REJECTED = "rejected", "Not approved"


class PlacementBid(models.Model):
    """A host organisation's bid for placements in the next intake, and its QA review."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    intake = models.DateField(help_text="The first day of the intake's month.")
    specialism = models.CharField(max_length=20, choices=Specialism.choices)
    places = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    placement_manager = models.CharField(max_length=200)
    offer = models.TextField("what the placement offers")
    submitted_on = models.DateField()
    review = models.CharField(max_length=12, choices=BidReview.choices, default=BidReview.PENDING)
    review_notes = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    reviewed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-intake", "organisation"]
        constraints = [
            models.CheckConstraint(condition=Q(intake__day=1), name="bid_intake_first_of_month"),
            models.CheckConstraint(
                condition=Q(review="pending", reviewed_on__isnull=True)
                | (~Q(review="pending") & Q(reviewed_on__isnull=False)),
                name="bid_reviewed_on_iff_reviewed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.places} place(s), {self.intake:%B %Y}"


# Nine-box talent reviews -----------------------------------------------------------------


class TalentReview(models.Model):
    """A nine-box review of one organisation or one whole system."""

    name = models.CharField(max_length=150)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    system = models.ForeignKey(
        IntegratedCareSystem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    held_on = models.DateField()
    is_closed = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, system__isnull=True)
                | Q(organisation__isnull=True, system__isnull=False),
                name="talent_review_one_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation or self.system})"


GRID = [MinValueValidator(1), MaxValueValidator(3)]


# The nine boxes by (performance, potential), 1 low to 3 high, with the zone each colours:
# the names talent reviews use, so a placement reads as a box and not as two numbers.
NINE_BOX = {
    (1, 3): ("Rough diamond", "develop"),
    (2, 3): ("Emerging leader", "stretch"),
    (3, 3): ("Future leader", "stretch"),
    (1, 2): ("Inconsistent performer", "support"),
    (2, 2): ("Key player", "develop"),
    (3, 2): ("High performer", "stretch"),
    (1, 1): ("Talent risk", "support"),
    (2, 1): ("Solid contributor", "develop"),
    (3, 1): ("Trusted professional", "develop"),
}


@audited()
class NineBoxPlacement(models.Model):
    """Where one person sits on a review's grid. Its history is the calibration history."""

    review = models.ForeignKey(TalentReview, on_delete=models.CASCADE, related_name="placements")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    performance = models.PositiveSmallIntegerField(validators=GRID)
    potential = models.PositiveSmallIntegerField(validators=GRID)
    note = models.CharField("calibration note", max_length=500, blank=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    placed_at = models.DateTimeField()

    class Meta:
        ordering = ["review", "person"]
        constraints = [
            models.UniqueConstraint("review", "person", name="one_placement_per_review"),
            models.CheckConstraint(
                condition=Q(performance__gte=1, performance__lte=3, potential__gte=1)
                & Q(potential__lte=3),
                name="nine_box_in_grid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: performance {self.performance}, potential {self.potential}"


# Succession plans ------------------------------------------------------------------------


# The board posts a succession plan covers: the role families but "other", so a plan's post
# and a pool member's or a vacancy's role family are the same codes and the same names.
Post = models.TextChoices(
    "Post", [(f.name, (f.value, f.label)) for f in RoleFamily if f != RoleFamily.OTHER]
)


class Rag(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


@audited()
class SeniorPost(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="senior_posts"
    )
    post = models.CharField(max_length=20, choices=Post.choices)
    incumbent = models.CharField(
        max_length=200, blank=True, help_text="Leave blank when the post is vacant."
    )
    incumbent_likely_to_leave = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "post"]
        constraints = [
            models.UniqueConstraint("organisation", "post", name="one_post_per_organisation")
        ]

    def __str__(self) -> str:
        return f"{self.get_post_display()}, {self.organisation}"


class SuccessorReadiness(models.TextChoices):
    READY_NOW = "ready_now", "Ready now"
    ONE_TO_TWO = "one_to_two", "Ready in 1–2 years"
    THREE_PLUS = "three_plus", "Ready in 3 years or more"


@audited()
class Successor(models.Model):
    post = models.ForeignKey(SeniorPost, on_delete=models.CASCADE, related_name="successors")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    readiness = models.CharField(max_length=12, choices=SuccessorReadiness.choices)

    class Meta:
        ordering = ["readiness", "id"]
        constraints = [models.UniqueConstraint("post", "person", name="one_successor_entry")]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_readiness_display().lower()})"


# Diversity baseline ----------------------------------------------------------------------


class Dimension(models.TextChoices):
    ETHNIC_GROUP = "ethnic_group", "Ethnic group"
    SEX = "sex", "Sex"
    DISABILITY = "disability", "Disability"
    PROFESSION = "profession", "Profession"
    SYSTEM = "system", "Integrated care system"


class WorkforceBaseline(models.Model):
    """The workforce's make-up the team compares pipelines with (per cent of staff)."""

    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    category = models.CharField(
        max_length=150,
        help_text="Exactly as the make-up tables name it, e.g. 'Asian or Asian British'.",
    )
    percent = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["dimension", "category"]
        constraints = [
            models.UniqueConstraint("dimension", "category", name="one_baseline_per_category"),
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100), name="baseline_percent_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_dimension_display()}: {self.category} {self.percent}%"
