from django.db import migrations, models

# The heads' titles of the province's agencies (accounts/data/agencies.csv); a ward's
# People's Committee is headed by its Chairman.
TITLES = {"UBND": "CHỦ TỊCH", "VPUB": "CHÁNH VĂN PHÒNG", "TTRA": "CHÁNH THANH TRA"}
BY_KIND = {
    "province_committee": "CHỦ TỊCH",
    "ward_committee": "CHỦ TỊCH",
    "department": "GIÁM ĐỐC",
    "service_centre": "GIÁM ĐỐC",
    "other": "GIÁM ĐỐC",
}


def fill_titles(apps, schema_editor):
    """Idempotent: only agencies with no title yet get one."""
    Agency = apps.get_model("accounts", "Agency")
    for agency in Agency.objects.filter(head_title=""):
        title = TITLES.get(agency.code) or BY_KIND.get(agency.kind, "")
        if title:
            Agency.objects.filter(pk=agency.pk).update(head_title=title)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_identity_verification"),
    ]

    operations = [
        migrations.AddField(
            model_name="agency",
            name="head_title",
            field=models.CharField(blank=True, max_length=80),
        ),
        migrations.RunPython(fill_titles, migrations.RunPython.noop),
    ]
