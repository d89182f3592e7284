"""Internal data notes never reach citizens: the public fee note and the internal
data note are apart (schema, data, and a data migration for versions stored before)."""

import importlib
import json

import pytest

from tinhso.procedures import selectors
from tinhso.procedures.models import Procedure, ProcedureVersion
from tinhso.procedures.services import DATA_FILE

INTERNAL = ("xác minh", "kiểm tra", "DVCQG", "tạm")

migration = importlib.import_module("tinhso.procedures.migrations.0004_split_internal_fee_notes")


def test_no_public_note_in_the_catalogue_carries_an_internal_remark():
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    for item in raw["procedures"]:
        assert not any(word in item["fee_note"] for word in INTERNAL), item["code"]
        if item.get("data_note"):
            assert item.get("data_verified") is False, item["code"]


@pytest.mark.parametrize(
    ("old", "public", "internal"),
    [
        (
            "Lệ phí theo Nghị quyết HĐND tỉnh — chưa xác minh mức thu tại Quảng Ninh "
            "(nhiều địa phương miễn khi nộp trực tuyến)",
            "Lệ phí theo Nghị quyết HĐND tỉnh",
            "chưa xác minh mức thu tại Quảng Ninh (nhiều địa phương miễn khi nộp trực tuyến)",
        ),
        (
            "Phí thẩm định (mức 360.000 đồng/hồ sơ — cần kiểm tra lại)",
            "Phí thẩm định (mức 360.000 đồng/hồ sơ)",
            "cần kiểm tra lại",
        ),
        ("10.000 đồng/trường hợp", "10.000 đồng/trường hợp", ""),
    ],
)
def test_the_migration_splits_a_stored_note(old, public, internal):
    assert migration.split_note(old) == (public, internal)


@pytest.mark.django_db
def test_the_migration_moves_remarks_out_of_stored_versions_and_lists_them(
    client, make_staff, second_factor_client
):
    from django.apps import apps

    procedure = Procedure.objects.get(code="9.000001")
    version = procedure.versions.order_by("-number").first()
    version.data = {**version.data, "fee_note": "135.000 đồng — cần kiểm tra lại"}
    version.save()
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # idempotent
    version.refresh_from_db()
    procedure.refresh_from_db()
    assert version.data["fee_note"] == "135.000 đồng"
    assert version.data["data_note"] == "cần kiểm tra lại"
    assert (procedure.data_verified, procedure.fee_note) == (False, "135.000 đồng")
    selectors.forget_catalogue()
    page = client.get("/thu-tuc/9.000001/").content.decode()
    assert "135.000 đồng" in page and "kiểm tra lại" not in page
    # … and the administrators' list of unverified entries names it, with the note
    from tinhso.accounts.models import Role

    admin = make_staff(Role.ADMINISTRATOR, "UBND")
    listing = second_factor_client(admin).get("/thu-tuc/chua-xac-minh/")
    assert listing.status_code == 200
    assert "9.000001" in listing.content.decode() and "kiểm tra lại" in listing.content.decode()
    assert ProcedureVersion.objects.filter(data__data_verified=False).exists()


@pytest.mark.django_db
def test_only_administrators_see_the_unverified_list(client, citizen):
    client.force_login(citizen)
    assert client.get("/thu-tuc/chua-xac-minh/").status_code == 403
