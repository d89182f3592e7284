from django.db import migrations, models


def restore_statutory_dates(apps, schema_editor):
    """Dossiers apologised for before this change had their deadline overwritten by the
    new date: put the statutory one back (the first apology slip kept it as
    `old_due_date`) and the new date in `appointment_date`. Idempotent: a dossier
    that already has its appointment is left alone."""
    import datetime

    Slip = apps.get_model("dossiers", "Slip")
    Dossier = apps.get_model("dossiers", "Dossier")
    slips = Slip.objects.filter(kind="apology").order_by("dossier_id", "issued_at", "pk")
    first: dict[int, dict] = {}
    last: dict[int, dict] = {}
    for slip in slips.values("dossier_id", "data"):
        first.setdefault(slip["dossier_id"], slip["data"])
        last[slip["dossier_id"]] = slip["data"]
    for dossier in Dossier.objects.filter(pk__in=list(first), appointment_date__isnull=True):
        old, new = first[dossier.pk].get("old_due_date"), last[dossier.pk].get("new_due_date")
        if not (old and new):
            continue
        statutory = datetime.date.fromisoformat(old[:10])
        appointment = datetime.date.fromisoformat(new[:10])
        # The clock may have stopped since (a supplement): move the statutory date by as
        # many calendar days (an approximation of the working days it stood).
        current = dossier.due_date or dossier.expected_date
        if current is not None and current > appointment:
            statutory += current - appointment
            appointment = current
        fields = {"appointment_date": appointment}
        fields["due_date" if dossier.due_date else "expected_date"] = statutory
        Dossier.objects.filter(pk=dossier.pk).update(**fields)


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0005_step_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="appointment_date",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="slip",
            name="kind",
            field=models.CharField(
                choices=[
                    ("receipt", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
                    ("supplement", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
                    ("refusal", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
                    ("apology", "Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
                    ("decline", "Thông báo từ chối giải quyết hồ sơ"),
                    ("stop", "Thông báo dừng giải quyết hồ sơ"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(restore_statutory_dates, migrations.RunPython.noop),
    ]
