"""Prepare the load database (run by run.py / bench/faults/run.py with DATABASE_URL
and TINHSO_VAR_DIR set): bootstrap --demo (units, agencies, catalogue, demo accounts,
a year of history), a citizen, a second citizen who files the submission path's
dossiers and a one-stop officer, with API tokens, some submitted
dossiers to track. Idempotent; prints one JSON object (what the load scripts need).
"""

from __future__ import annotations

import datetime
import io
import json
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

PROCEDURE = "3.000347"  # Đổi giấy phép lái xe: a form of 9 fields, 2 required papers
PHONE = "0912345678"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
QUERIES = [
    "giay phep lai xe", "khai sinh", "dang ky ket hon", "giay phep xay dung",
    "thanh lap doanh nghiep", "ho kinh doanh", "dat dai", "tro cap that nghiep",
    "ly lich tu phap", "chung thuc ban sao", "giay phep lai xee", "an toan thuc pham",
]  # fmt: skip


def main() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tinhso.accounts import services as accounts
    from tinhso.accounts.models import User
    from tinhso.dossiers import services as dossiers
    from tinhso.dossiers.models import Dossier
    from tinhso.procedures.models import Procedure

    call_command("bootstrap", "--demo", verbosity=0, stdout=io.StringIO())

    citizen = _verified_citizen("loadcitizen", "Người Đo Tải", datetime.date(1990, 1, 1))
    # The submission path files as someone else: every run adds its dossiers to that
    # person, and the "my dossiers" read keeps measuring the same history.
    submitter = _verified_citizen("loadsubmitter", "Người Nộp Tải", datetime.date(1991, 2, 2))
    officer = User.objects.get(username="motcua")
    _, citizen_token = accounts.issue_api_token(actor=None, user=citizen, name="load")
    _, officer_token = accounts.issue_api_token(actor=None, user=officer, name="load")
    _, submitter_token = accounts.issue_api_token(actor=None, user=submitter, name="load")

    from bench.forms import required_answers

    data, papers = required_answers(PROCEDURE, phone=PHONE)

    tracked = list(
        Dossier.objects.filter(applicant=citizen, status="submitted").values_list(
            "code", flat=True
        )[:40]
    )
    while len(tracked) < 40:
        dossier = dossiers.create_dossier(actor=citizen, procedure_code=PROCEDURE, data=data)
        for kind in papers:
            upload = SimpleUploadedFile("giay.pdf", PDF, content_type="application/pdf")
            dossiers.attach_document(actor=citizen, dossier=dossier, kind=kind, upload=upload)
        dossiers.take_action(actor=citizen, code=dossier.code, action="submit")
        tracked.append(dossier.code)

    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics after the bulk demo history
            cursor.execute("ANALYZE")
    print(
        json.dumps(
            {
                "citizen_token": citizen_token,
                "officer_token": officer_token,
                "submitter_token": submitter_token,
                "procedure": PROCEDURE,
                "data": data,
                "papers": papers,
                "procedures": list(Procedure.objects.values_list("code", flat=True)),
                "tracked": tracked,
                "last4": PHONE[-4:],
                "queries": QUERIES,
                "dossiers": Dossier.objects.count(),
            },
            ensure_ascii=False,
        )
    )


def _verified_citizen(username: str, full_name: str, birth: datetime.date):
    """A citizen whose identity was checked at a desk (issue 15: files in their name)."""
    from tinhso.accounts import services as accounts
    from tinhso.accounts.identity import verify_identity
    from tinhso.accounts.models import User
    from tinhso.demo.accounts import demo_personal_id

    citizen = User.objects.filter(username=username).first()
    if citizen is None:
        citizen = accounts.register_citizen(
            username=username,
            password=secrets.token_urlsafe(16),
            full_name=full_name,
            personal_id=demo_personal_id(birth=birth, sex="male"),
            date_of_birth=birth,
            sex="male",
            phone=PHONE,
        )
    if not citizen.is_identity_verified:
        citizen = verify_identity(
            actor=None, personal_id=citizen.personal_id, date_of_birth=citizen.date_of_birth
        )
    return citizen


if __name__ == "__main__":
    main()
