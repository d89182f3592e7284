"""Default source priority for golden records (police > justice > social insurance >
health > education); idempotent, editable afterwards in the admin."""

from django.db import migrations

DEFAULTS = [
    ("police", 1, "Công an (cơ sở dữ liệu quốc gia về dân cư)"),
    ("justice", 2, "Tư pháp (hộ tịch)"),
    ("social_insurance", 3, "Bảo hiểm xã hội"),
    ("health", 4, "Y tế"),
    ("education", 5, "Giáo dục"),
]


def load(apps, schema_editor):
    SourcePriority = apps.get_model("population", "SourcePriority")
    for source, rank, label in DEFAULTS:
        SourcePriority.objects.get_or_create(source=source, defaults={"rank": rank, "label": label})


def unload(apps, schema_editor):
    SourcePriority = apps.get_model("population", "SourcePriority")
    SourcePriority.objects.filter(source__in=[s for s, _r, _l in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("population", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
