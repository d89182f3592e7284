"""Internal notes had reached citizens: the fee note of some versions carried the
catalogue's own remarks ("— chưa xác minh mức thu tại Quảng Ninh", "— cần kiểm tra
lại"). They move to the internal `data_note` and the entry is marked unverified;
the public `fee_note` keeps the rest. Idempotent: a note without such a remark is
left alone; backwards puts the remark back."""

import re

from django.db import migrations

# "— chưa xác minh …", "— cần kiểm tra …", "— kiểm tra mức …", and the portal's
# "(Cổng DVCQG …)" remarks, up to the next ';' or ')' or the end.
_REMARK = re.compile(
    r"\s*(?:—\s*(?:chưa xác minh|cần kiểm tra|kiểm tra)[^;()]*(?:\([^)]*\))?[^;)]*"
    r"|\(Cổng DVCQG[^)]*\))",
    re.IGNORECASE,
)


def split_note(text: str) -> tuple[str, str]:
    remarks = []
    for match in _REMARK.finditer(text or ""):
        remark = match.group(0).strip().lstrip("—").strip()
        if remark.startswith("(") and remark.endswith(")"):
            remark = remark[1:-1]
        remarks.append(remark)
    public = _REMARK.sub("", text or "")
    public = re.sub(r"\(\s*\)", "", public)
    public = re.sub(r"\s+([;,)])", r"\1", public)
    public = re.sub(r"\s{2,}", " ", public).strip(" ;,")
    return public, "; ".join(remarks)


def forwards(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    ProcedureVersion = apps.get_model("procedures", "ProcedureVersion")
    for version in ProcedureVersion.objects.all().iterator():
        data = dict(version.data)
        public, remark = split_note(data.get("fee_note", ""))
        if not remark:
            continue
        data["fee_note"] = public
        data["data_note"] = "; ".join(x for x in (data.get("data_note", ""), remark) if x)
        data["data_verified"] = False
        version.data = data
        version.save(update_fields=["data"])
    for procedure in Procedure.objects.all().iterator():
        current = (
            ProcedureVersion.objects.filter(procedure=procedure).order_by("-number").first()
        )
        if current is None:
            continue
        procedure.fee_note = current.data.get("fee_note", "")[:300]
        procedure.data_note = current.data.get("data_note", "")[:300]
        procedure.data_verified = current.data.get("data_verified", True)
        procedure.save(update_fields=["fee_note", "data_note", "data_verified"])


def backwards(apps, schema_editor):
    ProcedureVersion = apps.get_model("procedures", "ProcedureVersion")
    for version in ProcedureVersion.objects.all().iterator():
        data = dict(version.data)
        note = data.pop("data_note", "")
        data.pop("data_verified", None)
        if note:
            data["fee_note"] = f"{data.get('fee_note', '')} — {note}".strip(" —")
        version.data = data
        version.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [("procedures", "0003_procedure_data_note")]
    operations = [migrations.RunPython(forwards, backwards)]
