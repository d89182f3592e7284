import csv
import hashlib

from tinhso.demo import population as synthetic
from tinhso.population.normalize import OPTIONAL_COLUMNS


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_same_seed_gives_the_same_file_byte_for_byte(tmp_path):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    synthetic.write(a, rows=2000, seed=7)
    synthetic.write(b, rows=2000, seed=7)
    synthetic.write(c, rows=2000, seed=8)
    assert _digest(a) == _digest(b)
    assert _digest(synthetic.truth_path_for(a)) == _digest(synthetic.truth_path_for(b))
    assert _digest(a) != _digest(c)


def test_the_file_has_the_contract_columns_the_rows_asked_and_known_duplicates(tmp_path):
    path = tmp_path / "p.csv"
    synthetic.write(path, rows=3000, seed=3)
    with path.open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames) == synthetic.COLUMNS + OPTIONAL_COLUMNS
        rows = list(reader)
    assert len(rows) == 3000
    assert len({r["record_id"] for r in rows}) == 3000
    with synthetic.truth_path_for(path).open(encoding="utf-8") as f:
        persons = [r["person_id"] for r in csv.DictReader(f)]
    assert len(persons) == 3000
    assert 2900 > len(set(persons)) > 2700  # about 5% of people are written more than once
    assert {r["source"] for r in rows} == set(synthetic.SOURCES)


def test_hard_negatives_are_there(tmp_path):
    """Different people with the same birth date and the same address (twins)."""
    gen = synthetic.Generator(seed=5, rates=synthetic.Rates(twins=0.5))
    twins = 0
    for _ in range(200):
        people = gen.household()
        seen = {}
        for p in people:
            key = (p.dob, p.address)
            if key in seen and seen[key].name != p.name:
                twins += 1
            seen[key] = p
    assert twins > 10
