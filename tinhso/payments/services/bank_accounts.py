"""The agencies' receiving accounts, loaded from data."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from tinhso.accounts.models import Agency

from ..models import BankAccount

BANK_ACCOUNTS_FILE = Path(__file__).resolve().parent.parent / "data" / "bank_accounts.csv"


def load_bank_accounts(*, path: Path = BANK_ACCOUNTS_FILE) -> int:
    """The agencies' receiving accounts from a CSV (demo accounts marked `is_demo`);
    agencies absent here are skipped. Idempotent."""
    count = 0
    with path.open(encoding="utf-8") as f, transaction.atomic():
        for row in csv.DictReader(f):
            agency = Agency.objects.filter(code=row["agency_code"]).first()
            if agency is None:
                continue
            BankAccount.objects.update_or_create(
                agency=agency,
                defaults={
                    "bank_bin": row["bank_bin"],
                    "bank_name": row["bank_name"],
                    "account_number": row["account_number"],
                    "account_name": row["account_name"],
                    "is_demo": row["is_demo"].strip().lower() == "true",
                },
            )
            count += 1
    return count
