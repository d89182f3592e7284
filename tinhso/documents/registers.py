"""Registers that number what an agency issues: a result of one kind ("Số: 12/GCN-STP")
or a slip ("Số: 15/TN-TTPVHCC"), per agency, kind and year, from 01 each year
(Decree 30/2020/NĐ-CP, Art. 15). Concurrency-safe: the register's row is locked
(select_for_update); two requests creating the year's row at once meet the unique
constraint and the loser retries on the winner's row."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tinhso.core.errors import Conflict

from .models import DocumentRegister


def next_number(*, agency_code: str, kind: str, year: int) -> int:
    """The next number in the register; call inside the transaction that uses it."""
    for _attempt in range(3):
        register = (
            DocumentRegister.objects.select_for_update()
            .filter(agency_code=agency_code, kind=kind, year=year)
            .first()
        )
        if register is None:
            try:
                with transaction.atomic():
                    register = DocumentRegister.objects.create(
                        agency_code=agency_code, kind=kind, year=year
                    )
            except IntegrityError:
                continue  # created meanwhile by another request: lock it and go on
        register.last += 1
        register.save(update_fields=["last"])
        return register.last
    raise Conflict(_("Sổ đăng ký văn bản đang bận, vui lòng thử lại."))
