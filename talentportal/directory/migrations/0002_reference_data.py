from django.db import migrations

# A frozen copy: later edits to reference_data.py must not change this migration.
REGIONS = [
    "East of England",
    "London",
    "Midlands",
    "North East and Yorkshire",
    "North West",
    "South East",
    "South West",
]
MIDLANDS_SYSTEMS = [
    "Birmingham and Solihull",
    "Black Country",
    "Coventry and Warwickshire",
    "Herefordshire and Worcestershire",
    "Shropshire, Telford and Wrekin",
    "Staffordshire and Stoke-on-Trent",
    "Derby and Derbyshire",
    "Leicester, Leicestershire and Rutland",
    "Lincolnshire",
    "Northamptonshire",
    "Nottingham and Nottinghamshire",
]
ORGANISATION_TYPES = [
    ("acute_trust", "Acute trust"),
    ("mental_health_trust", "Mental health trust"),
    ("community_trust", "Community trust"),
    ("ambulance_trust", "Ambulance trust"),
    ("integrated_care_board", "Integrated care board"),
    ("primary_care", "Primary care (PCN / GP practice)"),
    ("local_authority", "Local authority"),
    ("social_care_provider", "Social care provider"),
    ("voluntary_sector", "Voluntary sector"),
    ("higher_education", "Higher education"),
    ("other", "Other"),
]
ROLE_GROUPS = [
    "Coach",
    "Mentor",
    "Programme administrator",
    "Talent lead",
    "Scheme manager",
    "Report team",
    "System administrator",
]


def load(apps, schema_editor):
    Region = apps.get_model("directory", "Region")
    System = apps.get_model("directory", "IntegratedCareSystem")
    OrganisationType = apps.get_model("directory", "OrganisationType")
    Group = apps.get_model("auth", "Group")
    for name in REGIONS:
        Region.objects.get_or_create(name=name)
    midlands = Region.objects.get(name="Midlands")
    for name in MIDLANDS_SYSTEMS:
        System.objects.get_or_create(region=midlands, name=name)
    for code, name in ORGANISATION_TYPES:
        OrganisationType.objects.get_or_create(code=code, defaults={"name": name})
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
