"""Whether a paper is a declaration we made is now a column set by the service, not
read from its file name (an applicant could send a file named like ours). The papers
made before it are found once by the name they were given then."""

import re

from django.db import migrations, models

MADE_NAME = re.compile(r"^to-khai-(?P<code>.+)-(?P<fingerprint>[0-9a-f]{16})\.pdf$")


def mark_the_ones_we_made(apps, schema_editor):
    DossierDocument = apps.get_model("dossiers", "DossierDocument")
    rows = (
        DossierDocument.objects.filter(display_name__startswith="to-khai-")
        .values_list("pk", "display_name", "dossier__code")
        .iterator(chunk_size=2000)
    )
    for pk, name, code in rows:
        found = MADE_NAME.match(name)
        if found and found["code"] == code:
            DossierDocument.objects.filter(pk=pk).update(made_from=found["fingerprint"])


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0013_queue_indexes_cover_state"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossierdocument",
            name="made_from",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.RunPython(mark_the_ones_we_made, migrations.RunPython.noop),
    ]
