import csv

import pytest

from tinhso.accounts.models import Role
from tinhso.population.normalize import INPUT_COLUMNS

WARD = "07090"  # Phường An Sinh, Quảng Ninh


@pytest.fixture(autouse=True)
def _own_var_dir(settings, tmp_path):
    """The registry's prepared records and last model live under VAR_DIR: each test its own."""
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def registry_officer(make_staff):
    """A registry keeper of the provincial police: the whole province."""
    return make_staff(Role.REGISTRY_KEEPER, "CAT")


@pytest.fixture
def write_csv(tmp_path):
    """Write rows (dicts; missing columns empty) as a contract CSV, return its path."""

    def write(rows, *, name="in.csv", columns=INPUT_COLUMNS, encoding="utf-8"):
        path = tmp_path / name
        with path.open("w", newline="", encoding=encoding) as f:
            w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
            w.writeheader()
            for row in rows:
                w.writerow({c: row.get(c, "") for c in columns})
        return path

    return write


def row(record_id, name="Nguyễn Văn An", dob="12/05/1990", **kw):
    return {"record_id": record_id, "full_name": name, "date_of_birth": dob, "sex": "male",
            "ward_code": WARD, "source": "police", **kw}  # fmt: skip
