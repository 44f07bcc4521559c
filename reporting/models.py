"""The year in review: the team's words and entered figures for each financial year, and the
PDFs built from them with the live figures."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

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
    pdf = models.FileField(upload_to="reports/", blank=True)
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
