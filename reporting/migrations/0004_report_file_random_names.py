import re

from django.db import migrations, models, transaction

import reporting.models

RANDOM = re.compile(r"reports/[0-9a-f]{32}\.pdf")


def rename_existing_files(apps, schema_editor):
    """Give report PDFs stored under their old, guessable names (year-in-review-2024-5.pdf)
    a random name now, rather than on their next build: a copy under the new name, the
    row pointed at it, and the old file deleted once the migration has committed (so a
    failed migration leaves every row pointing at a file that is still there)."""
    from django.core.files.storage import storages

    from talentportal.core.storage import random_name

    storage = storages["default"]
    ReportFile = apps.get_model("reporting", "ReportFile")
    for report in ReportFile.objects.exclude(pdf="").only("pk", "pdf").iterator():
        old = report.pdf.name
        if RANDOM.fullmatch(old) or not storage.exists(old):
            continue  # already random, or missing (the download answers 404, as before)
        with storage.open(old, "rb") as handle:
            new = storage.save(random_name("reports", old), handle)
        ReportFile.objects.filter(pk=report.pk).update(pdf=new)
        transaction.on_commit(lambda old=old: storage.delete(old))


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0003_coaching_summaries"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reportfile",
            name="pdf",
            field=models.FileField(blank=True, upload_to=reporting.models._report_path),
        ),
        migrations.RunPython(rename_existing_files, migrations.RunPython.noop),
    ]
