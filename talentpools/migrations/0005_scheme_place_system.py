"""Scheme places keep the system the person worked in when given the place. Places given
before this migration take the system of where the person works now: the only record."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0005_place_changes"),
        ("talentpools", "0004_post_names_as_role_families"),
    ]

    operations = [
        migrations.AddField(
            model_name="schemeparticipant",
            name="system",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="directory.integratedcaresystem",
            ),
        ),
        migrations.RunSQL(
            """
            UPDATE talentpools_schemeparticipant p SET system_id = o.system_id
            FROM directory_profile pr JOIN directory_organisation o ON o.id = pr.organisation_id
            WHERE pr.user_id = p.person_id
            """,
            migrations.RunSQL.noop,
        ),
    ]
