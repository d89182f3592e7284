"""`tinhso generate_population`: the records and their truth, the same bytes for a seed."""

import csv
import hashlib
import io

from django.core.management import call_command


def test_generate_population_writes_the_records_and_their_truth(tmp_path):
    out = tmp_path / "p.csv"
    call_command("generate_population", rows=500, seed=3, output=str(out), stdout=io.StringIO())
    with out.open(encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == 500
    assert (tmp_path / "p.truth.csv").exists()


def test_generate_population_gives_the_same_bytes_as_the_library_for_a_seed(tmp_path):
    from tinhso.demo import population

    out, ref = tmp_path / "cmd.csv", tmp_path / "lib.csv"
    call_command(
        "generate_population", rows=400, seed=9, output=str(out), noise=1.5, dup_rate=0.1,
        stdout=io.StringIO(),
    )  # fmt: skip
    population.write(ref, rows=400, seed=9, rates=population.Rates(noise=1.5, dup_rate=0.1))
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    assert digest(out) == digest(ref)
    assert digest(population.truth_path_for(out)) == digest(population.truth_path_for(ref))
