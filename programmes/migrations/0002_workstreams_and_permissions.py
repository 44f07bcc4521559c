from django.db import migrations

WORKSTREAMS = [
    "Board and In-place ICS Systems",
    "PCN Development",
    "Leadership Development",
    "GMTS",
    "Coaching and Mentoring",
    "Equality, Diversity and Inclusion",
]
# Programme administrators run the catalogue in the admin site.
ADMIN_MODELS = ["workstream", "programme", "module", "cohort", "cohortallocation", "session",
                "evaluation"]  # fmt: skip


def load(apps, schema_editor):
    Workstream = apps.get_model("programmes", "Workstream")
    for name in WORKSTREAMS:
        Workstream.objects.get_or_create(name=name)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name="Programme administrator")
    for model in ADMIN_MODELS:
        ct, _ = ContentType.objects.get_or_create(app_label="programmes", model=model)
        for action in ("add", "change", "delete", "view"):
            perm, _ = Permission.objects.get_or_create(
                content_type=ct,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {model}"},
            )
            group.permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0001_initial"),
        ("directory", "0002_reference_data"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
