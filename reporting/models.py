"""The year in review: the team's words and entered figures for each financial year, and the
PDFs built from them with the live figures."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from talentportal.core.storage import random_name
from talentportal.directory.models import Region

SHARE = [MinValueValidator(0), MaxValueValidator(100)]


class YearInReview(models.Model):
    """One region's review of one financial year (year 2022 = April 2022 to March 2023).

    The narrative blocks are plain text: a blank line starts a paragraph, a line starting
    with "- " is a bullet."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(max_length=200, blank=True)
    foreword_chair = models.TextField("foreword from the chair", blank=True)
    foreword_director = models.TextField("foreword from the academy director", blank=True)
    executive_summary = models.TextField(blank=True)
    theme_new_challenges = models.TextField("responding to new challenges", blank=True)
    theme_looking_after = models.TextField("looking after our people", blank=True)
    theme_belonging = models.TextField("belonging in the NHS", blank=True)
    theme_new_ways = models.TextField("new ways of working and delivering care", blank=True)
    theme_growing = models.TextField("growing for the future", blank=True)
    theme_long_term = models.TextField("supporting our people for the long term", blank=True)
    team = models.TextField("our team", blank=True, help_text="One person per line.")
    looking_ahead = models.TextField(blank=True)
    bame_baseline = models.DecimalField(
        "workforce from Black, Asian and minority ethnic groups (%)",
        max_digits=5, decimal_places=2, null=True, blank=True, validators=SHARE,
    )  # fmt: skip
    clinical_baseline = models.DecimalField(
        "workforce in clinical roles (%)",
        max_digits=5, decimal_places=2, null=True, blank=True, validators=SHARE,
    )  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True)

    THEMES = [
        ("theme_new_challenges", "Responding to new challenges"),
        ("theme_looking_after", "Looking after our people"),
        ("theme_belonging", "Belonging in the NHS"),
        ("theme_new_ways", "New ways of working and delivering care"),
        ("theme_growing", "Growing for the future"),
        ("theme_long_term", "Supporting our people for the long term"),
    ]

    class Meta:
        ordering = ["-year"]
        verbose_name = "year in review"
        verbose_name_plural = "years in review"
        constraints = [models.UniqueConstraint("region", "year", name="one_review_per_region_year")]

    def __str__(self) -> str:
        return f"{self.region} year in review {self.year}/{(self.year + 1) % 100:02d}"


class EnteredFigure(models.Model):
    """A figure the team enters for the year, with where it comes from."""

    review = models.ForeignKey(YearInReview, on_delete=models.CASCADE, related_name="entered")
    name = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    source = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint("review", "name", name="one_entered_figure_per_name")
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"


def _report_path(instance, filename: str) -> str:
    """A random name, as coaching evidence has: the download's own name (`filename`) is
    given by the file view, so the stored one says nothing and cannot be guessed."""
    return random_name("reports", filename)


class ReportFile(models.Model):
    """A PDF built by Celery, kept with the figures (JSON snapshot) it was built from: a
    year in review, or the impact report of a programme or one of its cohorts."""

    class Kind(models.TextChoices):
        YEAR_IN_REVIEW = "year_in_review", "Year in review"
        IMPACT = "impact", "Impact report"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.YEAR_IN_REVIEW)
    review = models.ForeignKey(
        YearInReview, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    cohort = models.ForeignKey(
        "programmes.Cohort", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    snapshot = models.JSONField(null=True, blank=True)
    pdf = models.FileField(upload_to=_report_path, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # A second request while one is queued or rendering does not start a duplicate.
            models.UniqueConstraint(
                "kind",
                "review",
                "programme",
                "cohort",
                condition=Q(status__in=["queued", "rendering"]),
                nulls_distinct=False,
                name="one_pdf_in_progress_per_subject",
            ),
            models.CheckConstraint(
                condition=Q(kind="year_in_review", review__isnull=False, programme__isnull=True)
                | Q(kind="impact", review__isnull=True, programme__isnull=False),
                name="report_file_subject_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        subject = self.review or self.cohort or self.programme
        return f"{subject} PDF ({self.get_status_display().lower()})"

    @property
    def filename(self) -> str:
        if self.kind == self.Kind.IMPACT:
            return f"impact-report-{self.programme_id}-{self.pk}.pdf"
        return f"year-in-review-{self.review.year}-{self.pk}.pdf"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RENDERING)


# Summary tables of the year's interventions --------------------------------------------------
# Kept up to date by reporting/summaries.py from what changed since a watermark; read by the
# year in review instead of the bookings table. Ids are plain integers (0 = "not recorded"
# system): these rows are derived data, rebuilt from the source tables at will.


class InterventionCounts(models.Model):
    """What a set of booking-session pairs counts in the year's figures."""

    sessions = models.IntegerField(default=0)  # sessions delivered (not cancelled)
    pairs = models.IntegerField(default=0)  # every booking on a session, whatever its status
    bookings = models.IntegerField(default=0)
    cancellations = models.IntegerField(default=0)
    attendances = models.IntegerField(default=0)
    did_not_attend = models.IntegerField(default=0)
    bame = models.IntegerField(default=0)
    ethnicity_stated = models.IntegerField(default=0)
    clinical = models.IntegerField(default=0)
    staff_group_stated = models.IntegerField(default=0)

    COUNTS = (
        "sessions", "pairs", "bookings", "cancellations", "attendances", "did_not_attend",
        "bame", "ethnicity_stated", "clinical", "staff_group_stated",
    )  # fmt: skip

    class Meta:
        abstract = True


class SessionFigures(InterventionCounts):
    """One session's counts by the participants' system: the detail the sweep recounts and
    subtracts when a session changes. The system-0 row always exists and carries the
    session itself (sessions = 1)."""

    pk = models.CompositePrimaryKey("session_id", "system_id")
    session_id = models.BigIntegerField()
    system_id = models.IntegerField()
    year = models.SmallIntegerField()
    region_id = models.IntegerField()
    workstream_id = models.IntegerField()

    class Meta:
        verbose_name_plural = "session figures"

    def __str__(self) -> str:
        return f"Session {self.session_id}, system {self.system_id}"


class InterventionSummary(InterventionCounts):
    """The year's counts per region, workstream and participants' system: the sum of
    SessionFigures, kept by adding each change's difference."""

    pk = models.CompositePrimaryKey("year", "region_id", "workstream_id", "system_id")
    year = models.SmallIntegerField()
    region_id = models.IntegerField()
    workstream_id = models.IntegerField()
    system_id = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.year}: region {self.region_id}, workstream {self.workstream_id}"


class ErasedReach(models.Model):
    """What erased people's attendances counted in a financial year's reach, by the
    programmes' region: kept when their equality answers leave their bookings, so the year
    in review's BAME share stands, whatever is rebuilt. Counts only, summed over everyone
    erased in that year and region: no person, booking, session or date to join back."""

    pk = models.CompositePrimaryKey("year", "region_id")
    year = models.SmallIntegerField()
    region_id = models.IntegerField()
    bame = models.IntegerField(default=0)
    ethnicity_stated = models.IntegerField(default=0)

    class Meta:
        verbose_name_plural = "erased reach"

    def __str__(self) -> str:
        return f"{self.year}: erased reach in region {self.region_id}"


class CoachingCounts(models.Model):
    """The year's coaching (or mentoring) figures (coaching.selectors.FIGURE_KEYS)."""

    practitioners_approved = models.IntegerField(default=0)
    clients_approved = models.IntegerField(default=0)
    relationships_commenced = models.IntegerField(default=0)
    relationships_active = models.IntegerField(default=0)
    relationships_completed = models.IntegerField(default=0)
    relationships_withdrawn = models.IntegerField(default=0)
    hours_logged = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    sessions_logged = models.IntegerField(default=0)
    clients_with_sessions = models.IntegerField(default=0)

    class Meta:
        abstract = True


class PersonCoachingFigures(CoachingCounts):
    """One person's part in a financial year's coaching (or mentoring) figures, counted in
    the region they work in (0: none recorded): the detail the sweep recounts when their
    relationships, logged sessions, application, practitioner record or workplace change
    (the key leads with the person, whom the sweep looks rows up by)."""

    pk = models.CompositePrimaryKey("person_id", "kind", "year")
    year = models.SmallIntegerField()
    person_id = models.BigIntegerField()
    kind = models.CharField(max_length=10)
    region_id = models.IntegerField()

    class Meta:
        verbose_name_plural = "person coaching figures"

    def __str__(self) -> str:
        return f"{self.year}: {self.kind} of person {self.person_id}"


class CoachingSummary(CoachingCounts):
    """A financial year's coaching (or mentoring) figures per region: the sum of
    PersonCoachingFigures, kept by adding each recount's difference."""

    pk = models.CompositePrimaryKey("year", "region_id", "kind")
    year = models.SmallIntegerField()
    region_id = models.IntegerField()
    kind = models.CharField(max_length=10)

    def __str__(self) -> str:
        return f"{self.year}: {self.kind} in region {self.region_id}"


class SummaryState(models.Model):
    """The sweep's watermark (one row): changes stamped at or after it are not yet counted.
    `coaching_horizon` is the last financial year whose coaching figures are kept (open
    relationships count as active in every year up to it)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    watermark = models.DateTimeField()
    swept_at = models.DateTimeField()
    sessions_recounted = models.IntegerField(default=0)
    people_recounted = models.IntegerField(default=0)
    coaching_horizon = models.SmallIntegerField(null=True)
    milliseconds = models.FloatField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="summary_state_one_row")]

    def __str__(self) -> str:
        return f"Summaries up to {self.watermark:%Y-%m-%d %H:%M:%S}"


class FrozenYear(models.Model):
    """A closed financial year whose summaries no longer change: its figures stay as
    published even if past records are corrected later."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    frozen_at = models.DateTimeField()
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} frozen"
