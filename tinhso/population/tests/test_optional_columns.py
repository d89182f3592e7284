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


def test_a_generated_personal_id_names_the_birth_place_sex_and_year(tmp_path):
    """The 12-digit ID is issued by the province that registered the birth (its first
    three digits), then century and sex, then the year of birth."""
    path = tmp_path / "p.csv"
    synthetic.write(path, rows=800, seed=4)
    with path.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if len(r["personal_id"]) == 12]
    coded = [r for r in rows if r["birth_place"].isdigit()]
    assert len(coded) > 20
    assert all(r["birth_place"] == r["personal_id"][:3] for r in coded)
    dated = [r for r in rows if r["date_of_birth"][-4:].isdigit()]
    assert all(r["personal_id"][4:6] == r["date_of_birth"][-2:] for r in dated)


def _write(path, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=INPUT_COLUMNS + OPTIONAL_COLUMNS, restval="")
        w.writeheader()
        w.writerows(rows)


def _evidence(path, pair, comparison):
    con = linkage.connect()
    linkage.load_csv(con, path)
    linkage.prepare(con)
    result = linkage.link_duckdb(con, model=linkage.training.priors(), threshold=0.0,
                                 evidence=True)  # fmt: skip
    con.close()
    items = result.evidence.get(pair) or result.evidence[pair[::-1]]
    return next(e for e in items if e["comparison"] == comparison)


def test_an_id_is_compared_with_the_other_records_birth_place(tmp_path):
    """A record without a birth place but with a personal ID (a health record) against
    a birth certificate's place: the ID's province agrees or contradicts."""
    path = tmp_path / "in.csv"
    base = {"full_name": "Nguyễn Văn An", "date_of_birth": "12/05/1990", "sex": "nam",
            "ward_code": "07090"}  # fmt: skip
    _write(path, [
        {**base, "record_id": "h", "source": "health", "personal_id": "034090123456"},
        {**base, "record_id": "b", "source": "justice", "birth_place": "Tỉnh Thái Bình"},
        {**base, "record_id": "q", "source": "justice", "birth_place": "Quảng Ninh"},
    ])  # fmt: skip
    same = _evidence(path, ("b", "h"), "nơi đăng ký khai sinh")
    other = _evidence(path, ("h", "q"), "nơi đăng ký khai sinh")
    assert same["level"] == "same" and same["bayes_factor"] > 1
    assert other["level"] == "different" and other["bayes_factor"] < 0.1


def test_twins_with_two_common_names_a_letter_apart_stay_two_people(tmp_path):
    """Lan and Loan are both common given names: twins at one address, with one phone
    and the same parents, are two people; "Ngĩa" is a slip of "Nghĩa" (no one is
    named so) and the records are one person."""
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    home = {"date_of_birth": "03/04/2015", "ward_code": "07090", "phone": "0912345678",
            "address": "Số 5, tổ 2, khu 4", "father_name": "Trần Văn Sơn",
            "mother_name": "Lê Thị Hoa", "source": "police"}  # fmt: skip
    rows = [
        {**home, "record_id": "lan", "full_name": "Trần Thị Lan", "sex": "nữ"},
        {**home, "record_id": "loan", "full_name": "Trần Thị Loan", "sex": "nữ"},
        {**home, "record_id": "n1", "full_name": "Trần Hữu Nghĩa", "sex": "nam",
         "date_of_birth": "07/04/1957", "phone": "0987654321", "father_name": "",
         "mother_name": ""},
        {**home, "record_id": "n2", "full_name": "Trần Hữu Ngĩa", "sex": "nam",
         "date_of_birth": "07/04/1957", "phone": "0987654321", "father_name": "",
         "mother_name": "", "source": "health"},
    ]  # fmt: skip
    # other people of the province named Lan and Loan (common names, in the data)
    surnames = ("Nguyễn", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi")
    for i in range(24):
        rows.append({"record_id": f"x{i}", "full_name": f"{surnames[i % 6]} Thị "
                     + ("Lan" if i % 2 else "Loan"), "sex": "nữ",
                     "date_of_birth": f"{i + 1:02d}/06/19{60 + i}", "ward_code": f"0{7000 + i}",
                     "source": "police"})  # fmt: skip
    _write(src, rows)
    path = tmp_path / "m.json"
    path.write_text(__import__("json").dumps(linkage.training.priors()), encoding="utf-8")
    linkage.dedup_file(src, out, model_path=path)
    clusters = linkage.read_clusters(out)
    assert clusters["lan"] != clusters["loan"]
    assert clusters["n1"] == clusters["n2"]
