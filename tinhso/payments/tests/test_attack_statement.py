"""Attacks on the statement upload: files that pass a glance and break the import."""

from __future__ import annotations

import pytest

from tinhso.core.errors import ValidationFailed
from tinhso.payments import statements
from tinhso.payments.models import StatementLine

HEAD = "transaction_date,bank_reference,amount,description\n"


@pytest.mark.parametrize(
    "row",
    [
        '2025-03-02,FT1,135000,"' + "a" * 200_000 + '"',  # a cell beyond the CSV reader
        "2025-03-02,FT1,99999999999999999999999,x",  # beyond the database's integer
        "2025-03-02," + "R" * 61 + ",135000,x",  # a reference longer than the column
    ],
)
def test_a_statement_that_cannot_be_stored_is_refused_whole_when_read(row):
    with pytest.raises(ValidationFailed):
        statements.read((HEAD + row + "\n").encode())


def test_the_upload_page_answers_400_for_a_giant_cell(second_factor_client, officer, db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = (HEAD + '2025-03-02,FT1,135000,"' + "a" * 200_000 + '"\n').encode()
    page = second_factor_client(officer).post(
        "/lam-viec/tai-chinh/sao-ke/", {"file": SimpleUploadedFile("sk.csv", content)}
    )
    assert page.status_code == 400
    assert not StatementLine.objects.exists()
