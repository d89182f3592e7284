"""`tinhso dedup` never dies on odd data (issue 19, item 2): whatever the file, one
output row per input row; what training cannot learn comes from the last fully
trained model or the documented priors, and stderr says so."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tinhso.population import linkage
from tinhso.population.linkage import training
from tinhso.population.normalize import INPUT_COLUMNS

pytestmark = pytest.mark.database_free  # CSV files in, CSV files out

VIETNAMESE = ["Nguyễn Văn An", "Trần Thị Bích", "Lê Hoàng Long", "Phạm Thu", "Hoàng Thị Thư"]
FOREIGN = ["John Smith", "Zhang Wei", "María José García-López", "O'Brien, Seán", "李小龍",
           "Ngô", "Ибрагимов Руслан", "A", '"quoted" name', "🙂"]  # fmt: skip
VALUES = {
    "full_name": VIETNAMESE + FOREIGN,
    "date_of_birth": ["12/05/1990", "1990", "05/1990", "31/02/1990", "not a date", "1850"],
    "sex": ["nam", "nữ", "male", "x"],
    "personal_id": ["001090012345", "001090012346", "123456789", "12"],
    "phone": ["0912345678", "+84 912 345 678", "123"],
    "address": ["12 Lê Lợi", "Thôn 3", ""],
    "ward_code": ["07090", "22001", "zz"],
    "source": ["police", "health", ""],
}
# how a column is filled: empty everywhere, one value everywhere, values from the pool,
# or (for the personal ID) a different number on every row
MODES = st.sampled_from(["empty", "constant", "pool"])


@st.composite
def odd_files(draw):
    n = draw(st.sampled_from([0, 1, 2, 3, 7, 40, 250]))
    modes = {c: draw(MODES) for c in VALUES}
    unique_ids = draw(st.booleans())
    identical = draw(st.booleans())
    rows = []
    for i in range(n):
        row = {"record_id": str(i + 1)}
        for column, pool in VALUES.items():
            mode = modes[column]
            if mode == "empty":
                row[column] = ""
            elif mode == "constant" or identical:
                row[column] = pool[0]
            else:
                row[column] = draw(st.sampled_from(pool))
        if unique_ids:  # no two records share a personal ID
            row["personal_id"] = f"0010900{i:05d}"
        rows.append(row)
    return rows


def _write(path, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=INPUT_COLUMNS)
        w.writeheader()
        w.writerows(rows)


def _ids(path):
    with path.open(encoding="utf-8") as f:
        return [r["record_id"] for r in csv.DictReader(f)]


EMPTY_250 = [{"record_id": str(i + 1), **dict.fromkeys(VALUES, "")} for i in range(250)]
SAME_40 = [{"record_id": str(i + 1), **{c: p[0] for c, p in VALUES.items()}} for i in range(40)]


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(rows=odd_files())
@example(rows=EMPTY_250)  # every column empty, enough records to train on
@example(rows=SAME_40)  # all rows identical
def test_dedup_writes_one_row_per_input_row_whatever_the_data(rows, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("odd")
    src, out = tmp / "in.csv", tmp / "out.csv"
    _write(src, rows)
    info = linkage.dedup_file(src, out)
    assert sorted(_ids(out)) == sorted(r["record_id"] for r in rows)
    assert info["records"] == len(rows)
    with out.open(encoding="utf-8") as f:
        clusters = {r["record_id"]: r["cluster_id"] for r in csv.DictReader(f)}
    assert set(clusters.values()) <= set(clusters)  # a cluster is named by a member


def test_too_little_data_trains_nothing_and_takes_the_priors(tmp_path):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    _write(src, SAME_40[:2])
    info = linkage.dedup_file(src, out)
    assert any("too few" in note for note in info["fallbacks"])
    priors = training.priors()["splink"]["comparisons"]
    with (tmp_path / "out.csv").open(encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == 2
    model_path = tmp_path / "m.json"
    linkage.dedup_file(src, out, save_model=model_path)
    saved = json.loads(model_path.read_text(encoding="utf-8"))["splink"]["comparisons"]
    assert [lv.get("u_probability") for c in saved for lv in c["comparison_levels"]] == [
        lv.get("u_probability") for c in priors for lv in c["comparison_levels"]
    ]


def test_the_last_fully_trained_model_is_the_fallback(tmp_path):
    """A full training keeps its model; a later file that cannot teach u takes it."""
    from tinhso.demo import population as synthetic

    big, small, out = tmp_path / "big.csv", tmp_path / "small.csv", tmp_path / "out.csv"
    last = tmp_path / "last.json"
    synthetic.write(big, rows=1500, seed=3)
    linkage.dedup_file(big, out, last_model=last)
    kept = json.loads(last.read_text(encoding="utf-8"))
    assert kept["records"] == 1500 and not kept["fallbacks"]
    _write(small, SAME_40[:5])
    notes = []
    info = linkage.dedup_file(small, out, last_model=last, progress=notes.append)
    assert info["fallbacks"] and any(str(last) in n for n in notes)
    assert json.loads(last.read_text(encoding="utf-8")) == kept  # not overwritten


def test_the_command_says_on_stderr_what_it_could_not_learn(tmp_path):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    _write(src, [{**r, "personal_id": f"00109000{i:04d}"} for i, r in enumerate(SAME_40)])
    err = io.StringIO()
    call_command(
        "dedup", input=str(src), output=str(out), last_model=str(tmp_path / "none.json"),
        stdout=io.StringIO(), stderr=err,
    )  # fmt: skip
    assert len(_ids(out)) == 40
    assert "training: 40 records: too few to learn u" in err.getvalue()
    assert "priors.json" in err.getvalue()


@pytest.mark.parametrize("n", [0, 1])
def test_nothing_or_one_record(tmp_path, n):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    _write(src, SAME_40[:n])
    linkage.dedup_file(src, out)
    assert _ids(out) == [r["record_id"] for r in SAME_40[:n]]
