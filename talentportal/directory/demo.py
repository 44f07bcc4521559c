"""Demo data for people and places: a lived-in Midlands region, built deterministically.

`load_demo` calls `load(context)` here first, then the `demo.load(context)` of each
feature app that has one, passing the same context (a seeded Random and what
was created), so every later capability extends the same demo region.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP

from .models import (
    BAND_ORDER,
    Disability,
    IntegratedCareSystem,
    Organisation,
    OrganisationType,
    Profession,
    Role,
    Scheme,
    Sex,
    StaffGroup,
)
from .services import equality_update, profile_update, role_grant, user_create

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed by `make run` for the demo logins
# Every demo account with a staff role shares this TOTP secret; `make totp` prints its code.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105
DEMO_DOMAIN = "talentportal.example"

ORGANISATIONS = {
    "Birmingham and Solihull": [
        ("University Hospitals Birmingham NHS Foundation Trust", "acute_trust"),
        ("Birmingham Women's and Children's NHS Foundation Trust", "acute_trust"),
        ("Birmingham and Solihull Mental Health NHS Foundation Trust", "mental_health_trust"),
        ("Birmingham Community Healthcare NHS Foundation Trust", "community_trust"),
        ("NHS Birmingham and Solihull Integrated Care Board", "integrated_care_board"),
        ("Birmingham City Council", "local_authority"),
        ("Central Birmingham Primary Care Network", "primary_care"),
        ("University of Birmingham", "higher_education"),
    ],
    "Black Country": [
        ("The Dudley Group NHS Foundation Trust", "acute_trust"),
        ("The Royal Wolverhampton NHS Trust", "acute_trust"),
        ("Walsall Healthcare NHS Trust", "acute_trust"),
        ("Black Country Healthcare NHS Foundation Trust", "mental_health_trust"),
        ("NHS Black Country Integrated Care Board", "integrated_care_board"),
        ("Sandwell Council", "local_authority"),
    ],
    "Coventry and Warwickshire": [
        ("University Hospitals Coventry and Warwickshire NHS Trust", "acute_trust"),
        ("South Warwickshire University NHS Foundation Trust", "acute_trust"),
        ("Coventry and Warwickshire Partnership NHS Trust", "mental_health_trust"),
        ("NHS Coventry and Warwickshire Integrated Care Board", "integrated_care_board"),
        ("Warwickshire County Council", "local_authority"),
    ],
    "Herefordshire and Worcestershire": [
        ("Worcestershire Acute Hospitals NHS Trust", "acute_trust"),
        ("Wye Valley NHS Trust", "acute_trust"),
        ("Herefordshire and Worcestershire Health and Care NHS Trust", "community_trust"),
        ("NHS Herefordshire and Worcestershire Integrated Care Board", "integrated_care_board"),
    ],
    "Shropshire, Telford and Wrekin": [
        ("The Shrewsbury and Telford Hospital NHS Trust", "acute_trust"),
        ("Shropshire Community Health NHS Trust", "community_trust"),
        ("NHS Shropshire, Telford and Wrekin Integrated Care Board", "integrated_care_board"),
        ("Telford and Wrekin Council", "local_authority"),
    ],
    "Staffordshire and Stoke-on-Trent": [
        ("University Hospitals of North Midlands NHS Trust", "acute_trust"),
        ("Midlands Partnership University NHS Foundation Trust", "mental_health_trust"),
        ("North Staffordshire Combined Healthcare NHS Trust", "mental_health_trust"),
        ("NHS Staffordshire and Stoke-on-Trent Integrated Care Board", "integrated_care_board"),
        ("Staffordshire Care Providers Partnership", "social_care_provider"),
    ],
    "Derby and Derbyshire": [
        ("University Hospitals of Derby and Burton NHS Foundation Trust", "acute_trust"),
        ("Chesterfield Royal Hospital NHS Foundation Trust", "acute_trust"),
        ("Derbyshire Healthcare NHS Foundation Trust", "mental_health_trust"),
        ("Derbyshire Community Health Services NHS Foundation Trust", "community_trust"),
        ("NHS Derby and Derbyshire Integrated Care Board", "integrated_care_board"),
    ],
    "Leicester, Leicestershire and Rutland": [
        ("University Hospitals of Leicester NHS Trust", "acute_trust"),
        ("Leicestershire Partnership NHS Trust", "mental_health_trust"),
        (
            "NHS Leicester, Leicestershire and Rutland Integrated Care Board",
            "integrated_care_board",
        ),
        ("Voluntary Action LeicesterShire", "voluntary_sector"),
        ("De Montfort University", "higher_education"),
    ],
    "Lincolnshire": [
        ("United Lincolnshire Hospitals NHS Trust", "acute_trust"),
        ("Lincolnshire Partnership NHS Foundation Trust", "mental_health_trust"),
        ("Lincolnshire Community Health Services NHS Trust", "community_trust"),
        ("NHS Lincolnshire Integrated Care Board", "integrated_care_board"),
    ],
    "Northamptonshire": [
        ("Northampton General Hospital NHS Trust", "acute_trust"),
        ("Kettering General Hospital NHS Foundation Trust", "acute_trust"),
        ("Northamptonshire Healthcare NHS Foundation Trust", "mental_health_trust"),
        ("NHS Northamptonshire Integrated Care Board", "integrated_care_board"),
    ],
    "Nottingham and Nottinghamshire": [
        ("Nottingham University Hospitals NHS Trust", "acute_trust"),
        ("Sherwood Forest Hospitals NHS Foundation Trust", "acute_trust"),
        ("Nottinghamshire Healthcare NHS Foundation Trust", "mental_health_trust"),
        ("East Midlands Ambulance Service NHS Trust", "ambulance_trust"),
        ("NHS Nottingham and Nottinghamshire Integrated Care Board", "integrated_care_board"),
        ("Nottingham City Council", "local_authority"),
    ],
}

FIRST_NAMES = [
    "Aisha",
    "Amelia",
    "Amir",
    "Ben",
    "Chloe",
    "Daniel",
    "Deborah",
    "Emeka",
    "Emily",
    "Fatima",
    "Gareth",
    "Grace",
    "Hannah",
    "Harpreet",
    "Imran",
    "Jack",
    "James",
    "Jasmine",
    "Joanne",
    "Kwame",
    "Laura",
    "Li",
    "Mandeep",
    "Mark",
    "Mohammed",
    "Nadia",
    "Niamh",
    "Oliver",
    "Olivia",
    "Priya",
    "Rachel",
    "Rajesh",
    "Ruth",
    "Samuel",
    "Sarah",
    "Sophie",
    "Tariq",
    "Thomas",
    "Yetunde",
    "Zara",
]
LAST_NAMES = [
    "Adeyemi",
    "Ahmed",
    "Ali",
    "Baker",
    "Begum",
    "Brown",
    "Chen",
    "Clarke",
    "Davies",
    "Edwards",
    "Evans",
    "Green",
    "Hall",
    "Hughes",
    "Hussain",
    "Jackson",
    "Johnson",
    "Jones",
    "Kaur",
    "Khan",
    "Kowalski",
    "Lewis",
    "Mensah",
    "Morris",
    "Murphy",
    "Okafor",
    "Patel",
    "Roberts",
    "Shah",
    "Singh",
    "Smith",
    "Taylor",
    "Thompson",
    "Walker",
    "White",
    "Williams",
    "Wilson",
    "Wright",
]
JOB_TITLES = {
    "clinical": [
        "Staff Nurse",
        "Ward Manager",
        "Matron",
        "Physiotherapist",
        "Occupational Therapist",
        "Consultant Physician",
        "Paramedic",
        "Clinical Nurse Specialist",
        "Pharmacist",
        "Healthcare Scientist",
        "Midwife",
        "Deputy Director of Nursing",
    ],
    "non_clinical": [
        "Project Manager",
        "HR Business Partner",
        "Finance Manager",
        "Service Manager",
        "Head of Organisational Development",
        "Data Analyst",
        "Team Administrator",
        "Estates Manager",
        "Communications Officer",
        "Deputy Chief Operating Officer",
    ],
}
CLINICAL_PROFESSIONS = [
    "nursing_midwifery",
    "medical_dental",
    "allied_health",
    "healthcare_science",
    "pharmacy",
    "ambulance",
]
NON_CLINICAL_PROFESSIONS = [
    "management",
    "admin_clerical",
    "finance",
    "people_hr",
    "estates",
    "digital",
]
# Roughly the Midlands NHS workforce: about a quarter from Black, Asian or minority ethnic groups.
ETHNIC_WEIGHTS = [
    ("A", 62),
    ("B", 1),
    ("C", 6),
    ("D", 1),
    ("E", 1),
    ("F", 1),
    ("G", 1),
    ("H", 7),
    ("J", 3),
    ("K", 1),
    ("L", 2),
    ("M", 2),
    ("N", 5),
    ("P", 1),
    ("R", 1),
    ("S", 1),
    ("Z", 4),
]

# One demo login per role (participant has none: everyone is a participant).
ROLE_LOGINS = [
    ("participant", "Pat", "Participant", []),
    ("coach", "Chris", "Coach", [{"role": Role.COACH}]),
    ("mentor", "Morgan", "Mentor", [{"role": Role.MENTOR}]),
    ("programmes", "Priya", "Programmes", [{"role": Role.PROGRAMME_ADMIN}]),
    (
        "talentlead",
        "Tom",
        "Talentlead",
        [
            {
                "role": Role.TALENT_LEAD,
                "organisation": "University Hospitals Birmingham NHS Foundation Trust",
            }
        ],
    ),
    ("systemlead", "Sam", "Systemlead", [{"role": Role.TALENT_LEAD, "system": "Black Country"}]),
    ("schemes", "Sunita", "Schemes", [{"role": Role.SCHEME_MANAGER, "scheme": Scheme.GMTS}]),
    ("reports", "Rhys", "Reports", [{"role": Role.REPORT_TEAM}]),
    ("admin", "Alex", "Admin", [{"role": Role.SYSTEM_ADMIN}]),
]


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def _weighted(rng, weights):
    values, w = zip(*weights, strict=True)
    return rng.choices(values, weights=w, k=1)[0]


def _person(rng, *, user, organisation):
    group = rng.choices(["clinical", "non_clinical"], weights=[60, 40])[0]
    band = (
        rng.choice(BAND_ORDER[2:11] + ["medical", "vsm"])
        if group == "clinical"
        else rng.choice(BAND_ORDER[1:12])
    )
    profile_update(
        user=user,
        first_name=user.first_name,
        last_name=user.last_name,
        job_title=rng.choice(JOB_TITLES[group]),
        organisation=organisation,
        band=band,
        staff_group=StaffGroup(group),
        profession=Profession(
            rng.choice(CLINICAL_PROFESSIONS if group == "clinical" else NON_CLINICAL_PROFESSIONS)
        ),
    )
    equality_update(
        user=user,
        ethnic_category=_weighted(rng, ETHNIC_WEIGHTS),
        disability=_weighted(
            rng, [(Disability.NO, 84), (Disability.YES, 9), (Disability.NOT_STATED, 7)]
        ),
        sex=_weighted(rng, [(Sex.FEMALE, 75), (Sex.MALE, 23), (Sex.NOT_STATED, 2)]),
    )


def load(context: dict) -> None:
    rng = context["rng"]
    types = {t.code: t for t in OrganisationType.objects.all()}
    organisations = []
    for system_name, orgs in ORGANISATIONS.items():
        system = IntegratedCareSystem.objects.get(name=system_name)
        for name, code in orgs:
            org, _ = Organisation.objects.get_or_create(
                name=name, system=system, defaults={"type": types[code]}
            )
            organisations.append(org)
    context["organisations"] = organisations

    logins = []
    admin = None
    for local, first, last, grants in ROLE_LOGINS:
        user = user_create(
            email=demo_email(local), first_name=first, last_name=last, password=DEMO_PASSWORD
        )
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        _person(rng, user=user, organisation=rng.choice(organisations))
        for grant in grants:
            kwargs = dict(grant)
            if "organisation" in kwargs:
                kwargs["organisation"] = Organisation.objects.get(name=kwargs["organisation"])
            if "system" in kwargs:
                kwargs["system"] = IntegratedCareSystem.objects.get(name=kwargs["system"])
            role_grant(user=user, granted_by=admin, **kwargs)
        if grants and grants[0]["role"] == Role.SYSTEM_ADMIN:
            admin = user
        if any(
            g["role"]
            in {
                Role.PROGRAMME_ADMIN,
                Role.TALENT_LEAD,
                Role.SCHEME_MANAGER,
                Role.REPORT_TEAM,
                Role.SYSTEM_ADMIN,
            }
            for g in grants
        ):
            TOTP.activate(user, DEMO_TOTP_SECRET)
        logins.append(user)
    context["logins"] = logins

    # Staff across the region; imported people have no password until they reset one.
    people = []
    used = set()
    for i in range(context.get("people", 240)):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        local = f"{first}.{last}".lower()
        if local in used:
            local = f"{local}{i}"
        used.add(local)
        user = user_create(email=f"{local}@nhs.{DEMO_DOMAIN}", first_name=first, last_name=last)
        _person(rng, user=user, organisation=rng.choice(organisations))
        people.append(user)
    context["people"] = people
