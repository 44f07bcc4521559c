from django.db import migrations

THEMES = [
    "Career transition",
    "Leadership",
    "Resilience and wellbeing",
    "Inclusion",
    "New to role",
    "Leading change",
    "Working across systems",
    "Confidence and presence",
]


def load(apps, schema_editor):
    Theme = apps.get_model("coaching", "Theme")
    for name in THEMES:
        Theme.objects.get_or_create(name=name)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name="Programme administrator")
    ct, _ = ContentType.objects.get_or_create(app_label="coaching", model="theme")
    for action in ("add", "change", "delete", "view"):
        perm, _ = Permission.objects.get_or_create(
            content_type=ct, codename=f"{action}_theme", defaults={"name": f"Can {action} theme"}
        )
        group.permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("directory", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
