"""The optional columns (issue 19, item 1): birth place, hometown, parents' names,
ethnicity — absent from a file, empty in a row, or there and compared."""

import csv

import pytest

from tinhso.demo import population as synthetic
from tinhso.population import importing, linkage
from tinhso.population.models import SourceRecord
from tinhso.population.normalize import INPUT_COLUMNS, OPTIONAL_COLUMNS, place_key


def test_places_are_compared_as_codes_or_folded_text():
    # a province's name is its code (the first digits of a personal ID)
    assert place_key("Tỉnh Quảng Ninh") == place_key("quang ninh") == place_key("022") == "c:22"
    assert place_key("Thành phố Hồ Chí Minh") == place_key("TP. Ho Chi Minh") == "c:79"
    assert place_key("Bà Rịa - Vũng Tàu") == "c:77"
    assert place_key("Thành phố Hạ Long") == "t:ha long"
    assert place_key("022") == place_key("22") == "c:22"
    assert place_key("") == ""


def test_the_generator_keeps_the_required_columns_byte_for_byte(tmp_path):
    full, basic = tmp_path / "full.csv", tmp_path / "basic.csv"
    synthetic.write(full, rows=500, seed=8)
    synthetic.write(basic, rows=500, seed=8, optional=False)
    with full.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with basic.open(encoding="utf-8") as f:
        assert list(csv.DictReader(f)) == [{c: r[c] for c in INPUT_COLUMNS} for r in rows]
    by_source = {}
    for r in rows:
        for c in OPTIONAL_COLUMNS:
            by_source.setdefault(r["source"], set()).update([c] if r[c] else [])
    assert by_source["police"] == set(OPTIONAL_COLUMNS)
    assert by_source["social_insurance"] == {"hometown"}
    assert by_source["education"] <= {"father_name", "mother_name"}


def test_parents_names_keep_namesakes_apart(tmp_path):
    """Two records alike in everything the contract holds but for their parents."""
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    base = {"full_name": "Nguyễn Văn An", "date_of_birth": "12/05/1990", "sex": "nam",
            "ward_code": "07090", "source": "police"}  # fmt: skip
    rows = [
        {**base, "record_id": "a", "father_name": "Nguyễn Văn Bình", "mother_name": "Lê Thị Hoa"},
        {**base, "record_id": "b", "father_name": "Nguyễn Văn Bình", "mother_name": "Le Thi Hoa"},
        {**base, "record_id": "c", "father_name": "Nguyễn Đức Long", "mother_name": "Trần Thị Mai"},
    ]
    with src.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=INPUT_COLUMNS + OPTIONAL_COLUMNS, restval="")
        w.writeheader()
        w.writerows(rows)
    model = linkage.training.priors()
    path = tmp_path / "m.json"
    path.write_text(__import__("json").dumps(model), encoding="utf-8")
    linkage.dedup_file(src, out, model_path=path)
    clusters = linkage.read_clusters(out)
    assert clusters["a"] == clusters["b"] != clusters["c"]


@pytest.mark.django_db
def test_the_import_keeps_the_optional_columns(tmp_path):
    path = tmp_path / "p.csv"
    synthetic.write(path, rows=200, seed=2)
    batch = importing.start_import(actor=None, path=path, run=False)
    importing.run_import(batch)
    batch.refresh_from_db()
    assert batch.rows_ok > 0
    police = SourceRecord.objects.filter(source="police").exclude(father_name="")
    assert police.exists()
    record = police.first()
    assert record.father_name == record.raw["father_name"]
