from django.db import migrations

SCHEME_MODELS = ["schemecohort", "schemeparticipant", "milestone", "trainee",
                 "traineeplacement", "placementbid"]  # fmt: skip
TEAM_MODELS = [*SCHEME_MODELS, "workforcebaseline"]


def load(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for group_name, models in (
        ("Programme administrator", TEAM_MODELS),
        ("Scheme manager", SCHEME_MODELS),
    ):
        group, _ = Group.objects.get_or_create(name=group_name)
        for model in models:
            ct, _ = ContentType.objects.get_or_create(app_label="talentpools", model=model)
            for action in ("add", "change", "delete", "view"):
                perm, _ = Permission.objects.get_or_create(
                    content_type=ct,
                    codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {model}"},
                )
                group.permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [
        ("talentpools", "0001_initial"),
        ("directory", "0002_reference_data"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
