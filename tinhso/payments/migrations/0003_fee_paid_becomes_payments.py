"""`Dossier.fee_paid` (a flag the index read as "paid online") becomes what it stood
for: a paid Payment by transfer. Dossiers flagged without a Payment get one, marked
with the reference MIGRATED so that going back removes exactly those. Idempotent."""

import re

from django.db import migrations

MIGRATED = "MIGRATED"


def _compact(code: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", (code or "").upper())


def forwards(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    Payment = apps.get_model("payments", "Payment")
    flagged = Dossier.objects.filter(fee_paid=True, fee_amount__gt=0)
    Payment.objects.filter(dossier__in=flagged, status="due").update(
        status="paid", method="transfer", reference=MIGRATED
    )
    missing = flagged.filter(payment__isnull=True).only(
        "pk", "code", "agency_id", "fee_amount", "submitted_at", "result_issued_at"
    )
    batch = []
    for d in missing.iterator(chunk_size=2000):
        batch.append(
            Payment(
                dossier_id=d.pk,
                code=d.code,
                code_compact=_compact(d.code),
                agency_id=d.agency_id,
                amount=d.fee_amount,
                status="paid",
                method="transfer",
                reference=MIGRATED,
                paid_at=d.submitted_at or d.result_issued_at,
            )
        )
        if len(batch) >= 2000:
            Payment.objects.bulk_create(batch)
            batch = []
    Payment.objects.bulk_create(batch)


def backwards(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    Payment = apps.get_model("payments", "Payment")
    online = Payment.objects.filter(status="paid", method__in=("transfer", "gateway"))
    Dossier.objects.filter(pk__in=online.values("dossier_id")).update(fee_paid=True)
    Payment.objects.filter(reference=MIGRATED, receipt__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_receipts"),
        ("dossiers", "0007_slips_numbers_and_delivery"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
