"""The person pickers search names by prefix (directory.selectors.person_search):
istartswith is UPPER(name::text) LIKE 'ABC%', which these indexes answer at 100,000 people.
Raw SQL: Django writes an operator class inside the expression's parentheses here."""

from django.db import migrations

NAMES = ("first_name", "last_name")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("directory", "0008_equality_publication"),
    ]

    operations = [
        migrations.RunSQL(
            [f'CREATE INDEX user_{n}_prefix ON directory_user ((UPPER("{n}"::text)) text_pattern_ops)'
             for n in NAMES],
            [f"DROP INDEX user_{n}_prefix" for n in NAMES],
        )
    ]  # fmt: skip
