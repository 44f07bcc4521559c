"""People and places shared by every capability of the portal."""

import pghistory
import pgtrigger
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from talentportal.core.triggers import log_changes

# Where a person works decides which region's figures count them. A move (a profile's
# organisation, an organisation's system, a system's region) leaves a PlaceChange row by
# trigger, for the summary sweeps that count people by region (reporting/summaries.py).
_PLACE_LOG = "directory_placechange"


class Region(models.Model):
    """One of the seven NHS England regions."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IntegratedCareSystem(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="systems")
    name = models.CharField(max_length=150)

    class Meta:
        ordering = ["name"]
        verbose_name = "integrated care system"
        constraints = [
            models.UniqueConstraint(Lower("name"), name="ics_name_unique_ci"),
        ]
        triggers = [
            log_changes(
                name="system_moved",
                log=_PLACE_LOG,
                columns={"system_id": "{row}.id"},
                watched=("region_id",),
                operation=pgtrigger.Update,
            )
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationType(models.Model):
    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    name = models.CharField(max_length=255)
    type = models.ForeignKey(OrganisationType, on_delete=models.PROTECT, related_name="+")
    system = models.ForeignKey(
        IntegratedCareSystem, on_delete=models.PROTECT, related_name="organisations"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "system", name="organisation_name_system_unique"
            ),
        ]
        triggers = [
            log_changes(
                name="organisation_moved",
                log=_PLACE_LOG,
                columns={"organisation_id": "{row}.id"},
                watched=("system_id",),
                operation=pgtrigger.Update,
            )
        ]

    def __str__(self) -> str:
        return self.name


class PlaceChange(models.Model):
    """A person, an organisation or a system that moved (see _PLACE_LOG)."""

    person_id = models.BigIntegerField(null=True)
    organisation_id = models.BigIntegerField(null=True)
    system_id = models.BigIntegerField(null=True)

    def __str__(self) -> str:
        return f"Move of {self.person_id or self.organisation_id or self.system_id}"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person. Email is the login; someone imported from history has no usable password."""

    username = None
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Band(models.TextChoices):
    BAND_1 = "1", "Band 1"
    BAND_2 = "2", "Band 2"
    BAND_3 = "3", "Band 3"
    BAND_4 = "4", "Band 4"
    BAND_5 = "5", "Band 5"
    BAND_6 = "6", "Band 6"
    BAND_7 = "7", "Band 7"
    BAND_8A = "8a", "Band 8a"
    BAND_8B = "8b", "Band 8b"
    BAND_8C = "8c", "Band 8c"
    BAND_8D = "8d", "Band 8d"
    BAND_9 = "9", "Band 9"
    MEDICAL = "medical", "Medical and dental (outside Agenda for Change)"
    VSM = "vsm", "Very senior manager"
    OTHER = "other", "Other or not on NHS terms"


BAND_ORDER = [b.value for b in Band][:12]  # the Agenda for Change bands, lowest first


class StaffGroup(models.TextChoices):
    CLINICAL = "clinical", "Clinical"
    NON_CLINICAL = "non_clinical", "Non-clinical"


class Profession(models.TextChoices):
    NURSING = "nursing_midwifery", "Nursing and midwifery"
    MEDICAL = "medical_dental", "Medical and dental"
    AHP = "allied_health", "Allied health professions"
    SCIENTIST = "healthcare_science", "Healthcare science"
    PHARMACY = "pharmacy", "Pharmacy"
    PSYCHOLOGY = "psychology", "Psychological professions"
    PARAMEDIC = "ambulance", "Ambulance and paramedic"
    SOCIAL_CARE = "social_care", "Social care"
    MANAGEMENT = "management", "Management"
    ADMIN = "admin_clerical", "Administrative and clerical"
    ESTATES = "estates", "Estates and facilities"
    DIGITAL = "digital", "Digital, data and technology"
    FINANCE = "finance", "Finance"
    PEOPLE = "people_hr", "People and HR"
    OTHER = "other", "Other"


class Profile(models.Model):
    """Work details of a person: who they are to the portal's figures."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True)
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    band = models.CharField(max_length=10, choices=Band.choices, blank=True)
    staff_group = models.CharField(max_length=20, choices=StaffGroup.choices, blank=True)
    profession = models.CharField(max_length=30, choices=Profession.choices, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        triggers = [
            log_changes(
                name="person_moved",
                log=_PLACE_LOG,
                columns={"person_id": "{row}.user_id"},
                watched=("organisation_id",),
            )
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @property
    def is_complete(self) -> bool:
        return bool(self.job_title and self.organisation_id and self.band and self.staff_group)


class EthnicCategory(models.TextChoices):
    """NHS Data Dictionary ethnic category codes. Z is 'not stated'."""

    A = "A", "White – British"
    B = "B", "White – Irish"
    C = "C", "White – any other White background"
    D = "D", "Mixed – White and Black Caribbean"
    E = "E", "Mixed – White and Black African"
    F = "F", "Mixed – White and Asian"
    G = "G", "Mixed – any other mixed background"
    H = "H", "Asian or Asian British – Indian"
    J = "J", "Asian or Asian British – Pakistani"
    K = "K", "Asian or Asian British – Bangladeshi"
    L = "L", "Asian or Asian British – any other Asian background"
    M = "M", "Black or Black British – Caribbean"
    N = "N", "Black or Black British – African"
    P = "P", "Black or Black British – any other Black background"
    R = "R", "Other ethnic groups – Chinese"
    S = "S", "Other ethnic groups – any other ethnic group"
    Z = "Z", "Not stated (prefer not to say)"


# Ethnic groups for published breakdowns: the categories' first-level groups.
ETHNIC_GROUPS = [
    ("White", "ABC"),
    ("Mixed", "DEFG"),
    ("Asian or Asian British", "HJKL"),
    ("Black or Black British", "MNP"),
    ("Other ethnic group", "RS"),
    ("Not stated", "Z"),
]

# "BAME" in NHS reporting: codes D to S.
BAME_CODES = frozenset("DEFGHJKLMNPRS")


class Disability(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_STATED = "not_stated", "Prefer not to say"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_STATED = "not_stated", "Prefer not to say"


class EqualityAnswers(models.Model):
    """The three equality monitoring answers: special-category personal data.

    Kept on a person's own record and, as confirmed at booking, on each booking, so
    past years' figures do not move when someone changes their answers."""

    ethnic_category = models.CharField(
        max_length=1, choices=EthnicCategory.choices, default=EthnicCategory.Z
    )
    disability = models.CharField(
        max_length=12, choices=Disability.choices, default=Disability.NOT_STATED
    )
    sex = models.CharField(max_length=12, choices=Sex.choices, default=Sex.NOT_STATED)

    class Meta:
        abstract = True


class EqualityMonitoring(EqualityAnswers):
    """Special-category personal data: only its owner sees it; reports see it aggregated."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="equality"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "equality monitoring"
        verbose_name_plural = "equality monitoring"

    def __str__(self) -> str:
        return "Equality monitoring (restricted)"


class Role(models.TextChoices):
    """Roles a person is granted. Being a participant needs no grant: every person is one."""

    COACH = "coach", "Coach"
    MENTOR = "mentor", "Mentor"
    PROGRAMME_ADMIN = "programme_admin", "Programme administrator"
    TALENT_LEAD = "talent_lead", "Talent lead"
    SCHEME_MANAGER = "scheme_manager", "Scheme manager"
    REPORT_TEAM = "report_team", "Report team"
    SYSTEM_ADMIN = "system_admin", "System administrator"


class Scheme(models.TextChoices):
    EDP = "edp", "Executive Director Pathway"
    HPS = "hps", "High Potential Scheme"
    GMTS = "gmts", "Graduate Management Training Scheme"


# Roles that can see talent or equality data must sign in with two factors.
MFA_ROLES = frozenset(
    {
        Role.PROGRAMME_ADMIN,
        Role.TALENT_LEAD,
        Role.SCHEME_MANAGER,
        Role.REPORT_TEAM,
        Role.SYSTEM_ADMIN,
    }
)


# Grants and revocations are audited (who, what, when) by django-pghistory triggers.
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    system = models.ForeignKey(
        IntegratedCareSystem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scheme = models.CharField(max_length=10, choices=Scheme.choices, blank=True)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(
                "user",
                "role",
                "organisation",
                "system",
                "scheme",
                name="role_assignment_unique",
                nulls_distinct=False,
            ),
            # A talent lead is scoped to exactly one organisation or one system.
            models.CheckConstraint(
                condition=~Q(role="talent_lead")
                | (
                    Q(organisation__isnull=False, system__isnull=True)
                    | Q(organisation__isnull=True, system__isnull=False)
                ),
                name="talent_lead_has_one_scope",
            ),
            # A scheme manager manages exactly one scheme.
            models.CheckConstraint(
                condition=~Q(role="scheme_manager") | ~Q(scheme=""),
                name="scheme_manager_has_scheme",
            ),
            # Other roles are region-wide: no scope.
            models.CheckConstraint(
                condition=Q(role__in=["talent_lead"])
                | Q(organisation__isnull=True, system__isnull=True),
                name="role_scope_only_for_talent_lead",
            ),
            models.CheckConstraint(
                condition=Q(role="scheme_manager") | Q(scheme=""),
                name="scheme_only_for_scheme_manager",
            ),
        ]

    def __str__(self) -> str:
        scope = self.organisation or self.system or self.get_scheme_display()
        label = self.get_role_display()
        return f"{label} ({scope})" if scope else label


class ErasureRequest(models.Model):
    """A person asks to be erased; a system administrator carries it out (after checking,
    for example, that no scheme place or dispute needs the record kept)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        DONE = "done", "Carried out"
        REFUSED = "refused", "Refused"

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="erasure_requests")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                "person", condition=Q(status="requested"), name="one_open_erasure_request"
            )
        ]

    def __str__(self) -> str:
        return f"Erasure request {self.pk} ({self.get_status_display().lower()})"


class PersonalDataExport(models.Model):
    """Every download of someone's personal data by an administrator (who, whose, when)."""

    subject = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    exported_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    exported_at = models.DateTimeField()

    class Meta:
        ordering = ["-exported_at"]

    def __str__(self) -> str:
        return f"Export of {self.subject_id} by {self.exported_by_id}"


class EqualitySnapshot(models.Model):
    """An equality breakdown of a live group (a pool, a cohort, a programme's reach) as
    published: taken by the scheduled refresh at most once per `EQUALITY_SNAPSHOT_DAYS`, so
    one person joining never shows on its own the moment it happens. `data` holds only the
    published (suppressed, rounded, perturbed) figures, never the true counts."""

    key = models.CharField(max_length=120, unique=True)
    taken_at = models.DateTimeField()
    data = models.JSONField()

    def __str__(self) -> str:
        return f"{self.key} at {self.taken_at:%Y-%m-%d %H:%M}"


class EqualityPublication(models.Model):
    """One equality table as it was shown (one dimension of one snapshot), with who was in
    the group then: every later table of the same kind is checked beside it, so that two
    snapshots cannot be compared to tell what the people who joined or left in between
    answered (`core/disclosure.audit_linked`). Kept once per change: the same people with
    the same answers publish the same table. Holds only the published figures and the
    members, never anyone's answer."""

    key = models.CharField(max_length=120)
    dimension = models.CharField(max_length=40)
    members = ArrayField(models.BigIntegerField())
    table = models.JSONField()
    published_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "dimension", "-published_at"])]

    def __str__(self) -> str:
        return f"{self.key} {self.dimension} at {self.published_at:%Y-%m-%d %H:%M}"
