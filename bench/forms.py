"""What the benchmarks fill in: a procedure's required fields with plausible answers
(the fields answered from the citizen's profile left out) and its required papers.
Import after `django.setup()`."""

from __future__ import annotations

import json

PROFILE = {"full_name", "personal_id", "date_of_birth", "phone"}  # prefilled on the bench user


def required_answers(code: str, *, phone: str) -> tuple[dict, list[str]]:
    """(form data, kinds of the required papers) for procedure `code`."""
    from tinhso.procedures.services import DATA_FILE

    spec = next(
        p
        for p in json.loads(DATA_FILE.read_text(encoding="utf-8"))["procedures"]
        if p["code"] == code
    )
    data = {}
    for f in spec["fields"]:
        if f.get("prefill") in PROFILE or not f["required"]:
            continue
        data[f["name"]] = {
            "select": (f.get("choices") or [""])[0], "checkbox": True, "date": "2020-01-15",
            "number": 1, "phone": phone, "email": "a@example.vn",
        }.get(f["type"], "Thử nghiệm")  # fmt: skip
    return data, [d["kind"] for d in spec["documents"] if d["required"]]
