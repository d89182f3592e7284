"""Benchmark of statement reconciliation: N fees due, a statement of N exact credits,
each matched, marked paid and given its electronic receipt (PDF written, kept in the
citizen's store, notification queued), through `payments.services.reconcile`.

    .venv/bin/python bench/payments.py               # 200 credits (short)
    .venv/bin/python bench/payments.py --size 2000

Runs on a fresh SQLite database in a temporary var directory (bootstrapped first, not
timed). Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=200)
    args = parser.parse_args()
    var = tempfile.mkdtemp(prefix="bench-payments-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(TINHSO_VAR_DIR=var, DJANGO_SETTINGS_MODULE="tinhso.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("bootstrap", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    from tinhso.demo import dossier_history
    from tinhso.payments import services
    from tinhso.payments.models import Payment, PaymentStatus
    from tinhso.payments.selectors import compact_code

    services.load_bank_accounts()
    dossier_history.create_history(count=args.size * 3, months=1)
    Payment.objects.all().delete()  # the history's own paid ones: start from fees due
    from tinhso.dossiers.models import Dossier

    due = list(Dossier.objects.filter(fee_amount__gt=0)[: args.size])
    Payment.objects.bulk_create(
        Payment(
            dossier=d,
            code=d.code,
            code_compact=compact_code(d.code),
            agency_id=d.agency_id,
            amount=d.fee_amount,
            status=PaymentStatus.DUE,
        )
        for d in due
    )
    lines = ["transaction_date,bank_reference,amount,description"]
    lines += [
        f"2026-03-02,FT{i:08d},{d.fee_amount},CK {d.code.replace('-', '')} NOP PHI"
        for i, d in enumerate(due)
    ]
    content = ("\n".join(lines) + "\n").encode()
    started = time.perf_counter()
    result = services.reconcile(actor=None, content=content, source="bench.csv")
    took = time.perf_counter() - started
    again = time.perf_counter()
    second = services.reconcile(actor=None, content=content, source="bench.csv")
    took_again = time.perf_counter() - again
    print(f"credits: {len(due)}; {result.summary()}")
    print(f"first import: {took:.2f} s ({took / max(1, len(due)) * 1000:.1f} ms a credit)")
    print(f"same statement again: {took_again:.2f} s; {second.summary()}")
    print(f"receipt PDFs: {len(list(Path(var, 'files', 'receipts').rglob('*.pdf')))}")


if __name__ == "__main__":
    main()
