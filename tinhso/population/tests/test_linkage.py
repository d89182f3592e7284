"""`tinhso dedup` end to end on generated records: quality, the contract's output,
bad input, the registry's dedup, and the Spark engine giving DuckDB's clusters."""

import collections
import csv
import json

import pytest
from django.core.management import call_command

from tinhso.demo import population as synthetic
from tinhso.population import linkage

ROWS = 3000


def _f1(clusters: dict[str, str], truth_path) -> tuple[float, float, float]:
    with open(truth_path, encoding="utf-8") as f:
        truth = {r["record_id"]: r["person_id"] for r in csv.DictReader(f)}
    pairs = lambda groups: sum(n * (n - 1) // 2 for n in groups)  # noqa: E731
    true = pairs(collections.Counter(truth.values()).values())
    found = pairs(collections.Counter(clusters.values()).values())
    both = pairs(collections.Counter((c, truth[r]) for r, c in clusters.items()).values())
    p, r = both / found, both / true
    return p, r, 2 * p * r / (p + r)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("dedup") / "people.csv"
    synthetic.write(path, rows=ROWS, seed=11)
    return path


@pytest.fixture(scope="module")
def deduped(generated, tmp_path_factory):
    out = tmp_path_factory.mktemp("dedup") / "clusters.csv"
    model = out.with_name("model.json")
    info = linkage.dedup_file(generated, out, save_model=model)
    return out, model, info


def test_dedup_finds_the_duplicates_of_generated_records(generated, deduped):
    out, _model, info = deduped
    precision, recall, f1 = _f1(linkage.read_clusters(out), synthetic.truth_path_for(generated))
    assert f1 >= 0.97, (precision, recall, f1)
    assert info["records"] == ROWS


def test_the_output_has_one_row_per_input_row_and_clusters_named_by_a_member(generated, deduped):
    out, _model, _info = deduped
    with out.open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["record_id", "cluster_id"]
        rows = list(reader)
    with generated.open(encoding="utf-8") as f:
        ids = [r["record_id"] for r in csv.DictReader(f)]
    assert sorted(r["record_id"] for r in rows) == sorted(ids)
    members = collections.defaultdict(list)
    for r in rows:
        members[r["cluster_id"]].append(r["record_id"])
    assert all(cluster == min(m) for cluster, m in members.items())


def test_the_saved_model_is_versioned_and_gives_the_same_clusters(generated, deduped, tmp_path):
    out, model, _info = deduped
    data = json.loads(model.read_text())
    assert data["version"] == linkage.MODEL_VERSION
    again = tmp_path / "o'brien clusters.csv"  # a quote in the path cannot break the SQL
    call_command("dedup", input=str(generated), output=str(again), model=str(model))
    assert linkage.read_clusters(again) == linkage.read_clusters(out)
    data["version"] = "old"
    model.with_name("old.json").write_text(json.dumps(data))
    with pytest.raises(linkage.DedupError, match="version"):
        linkage.load_model(model.with_name("old.json"))


def test_what_a_family_shares_never_weighs_against_a_pair_nor_more_than_agreement(deduped):
    """Twins' date, a household's phone, siblings' parents and places: agreeing there
    with another given name or birth date weighs between nothing and the whole
    agreement; and a parent's name written without accents weighs about as much as
    with them (strangers share parents' names whatever their own names)."""
    model = linkage.load_model(deduped[1])["splink"]
    bf = {}
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for level in levels:
            bf[comparison["output_column_name"], level.get("label_for_charts")] = (
                level["m_probability"] / level["u_probability"]
            )
        for split, whole in zip(levels, levels[1:], strict=False):
            if "another given name" in (split.get("label_for_charts") or ""):
                split_bf = split["m_probability"] / split["u_probability"]
                whole_bf = whole["m_probability"] / whole["u_probability"]
                assert split_bf * (1 + 1e-9) >= 1, (comparison["output_column_name"], split_bf)
                assert split_bf <= max(whole_bf, 1) * (1 + 1e-9), (split_bf, whole_bf)
    for parent in ("father", "mother"):
        exact = bf[parent, "same name, accents and all"]
        folded = bf[parent, "same name up to accents, order and phonetic confusions"]
        assert exact > 10 and folded < 20 * exact, (parent, exact, folded)


def test_wrong_columns_or_encoding_are_refused_with_a_sentence(tmp_path):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("id,name\n1,An\n", encoding="utf-8")
    with pytest.raises(linkage.DedupError, match="missing columns"):
        linkage.dedup_file(wrong, tmp_path / "o.csv")
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes(",".join(linkage.INPUT_COLUMNS).encode() + b"\n1,Tr\xd2n,,,,,,,\n")
    with pytest.raises(linkage.DedupError, match="UTF-8"):
        linkage.dedup_file(legacy, tmp_path / "o.csv")


def test_a_repeated_record_id_is_refused(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text(
        ",".join(linkage.INPUT_COLUMNS) + "\n1,An,,,,,,,\n1,Bình,,,,,,,\n", encoding="utf-8"
    )
    with pytest.raises(linkage.DedupError, match="unique"):
        linkage.dedup_file(path, tmp_path / "o.csv")


@pytest.mark.django_db
def test_the_registry_dedup_builds_people_and_queues_the_uncertain_pairs(
    generated, deduped, tmp_path
):
    from tinhso.population import importing, linking, services
    from tinhso.population.models import Person, ReviewPair, SourceRecord

    small = tmp_path / "small.csv"
    with generated.open(encoding="utf-8") as f, small.open("w", encoding="utf-8") as out:
        out.writelines(line for _i, line in zip(range(801), f, strict=False))
    batch = importing.start_import(actor=None, path=small, run=False)
    batch = importing.run_import(batch)
    # generated faults the import refuses (a date like 10/05/3972) are reported, not kept
    assert batch.rows_ok + batch.rows_bad == 800 and batch.rows_bad < 10
    imported = set(SourceRecord.objects.values_list("record_id", flat=True))
    model = linkage.load_model(deduped[1])  # trained once, on the whole file
    stats = linking.dedup_registry(actor=None, model=model)
    people = Person.objects.filter(merged_into__isnull=True).count()
    assert not SourceRecord.objects.filter(person__isnull=True).exists()
    with synthetic.truth_path_for(generated).open(encoding="utf-8") as f:
        persons = {r["person_id"] for r in csv.DictReader(f) if r["record_id"] in imported}
    assert abs(people - len(persons)) <= 8
    assert stats["review"] == ReviewPair.objects.count()
    for pair in ReviewPair.objects.all():
        assert pair.match_probability >= services.REVIEW_FROM
        if pair.match_probability >= services.AUTO_MERGE:  # held apart by their IDs
            held = {pair.record_a.person.personal_id, pair.record_b.person.personal_id}
            assert len(held) == 2 and "" not in held
        assert pair.record_a.person_id != pair.record_b.person_id
        assert {e["comparison"] for e in pair.evidence} >= {"họ tên", "ngày sinh"}
    # a second run changes nothing
    linking.dedup_registry(actor=None, model=model)
    assert Person.objects.filter(merged_into__isnull=True).count() == people
    assert ReviewPair.objects.count() == stats["review"]


@pytest.mark.slow  # starts a JVM; run by default and in CI (see the marker in pyproject.toml)
@pytest.mark.database_free
def test_spark_gives_the_same_clusters_as_duckdb(deduped, generated, tmp_path):
    pytest.importorskip("pyspark")
    _out, model, _info = deduped
    small = tmp_path / "small.csv"
    with generated.open(encoding="utf-8") as f, small.open("w", encoding="utf-8") as out:
        out.writelines(line for _i, line in zip(range(801), f, strict=False))
    duck, spark = tmp_path / "duck.csv", tmp_path / "spark.csv"
    linkage.dedup_file(small, duck, model_path=model)
    linkage.dedup_file(small, spark, model_path=model, engine="spark")
    clusters = linkage.read_clusters(duck)
    assert linkage.read_clusters(spark) == clusters
    assert len(set(clusters.values())) < len(clusters)  # some records were linked


def test_a_chain_of_likely_pairs_never_joins_two_id_holders():
    # B (no ID) looks like A and like C; A and C hold different personal IDs.
    edges = [("A", "B", 0.95), ("B", "C", 0.9), ("C", "D", 0.99)]
    ids = {"A": ("cccd", "022090014529"), "C": ("cccd", "022090777777")}
    kept = linkage.clusters(edges, threshold=0.8, personal_ids=ids)
    assert kept["A"] == kept["B"] == "A"  # the stronger pair wins B
    assert kept["C"] == kept["D"] == "C"
    # without the IDs, the chain makes one person of all four
    assert set(linkage.clusters(edges, threshold=0.8).values()) == {"A"}


def test_an_id_a_keying_slip_away_does_not_keep_records_apart():
    edges = [("A", "B", 0.95), ("B", "C", 0.9)]
    for typo in ("022090014528", "022090015429"):  # a digit wrong, two swapped
        ids = {"A": ("cccd", "022090014529"), "C": ("cccd", typo)}
        assert set(linkage.clusters(edges, threshold=0.8, personal_ids=ids).values()) == {"A"}
    # an old 9-digit card beside a personal ID is no conflict either
    ids = {"A": ("cccd", "022090014529"), "C": ("cmnd", "100123456")}
    assert set(linkage.clusters(edges, threshold=0.8, personal_ids=ids).values()) == {"A"}


def test_two_slips_of_one_id_stay_one_person():
    # the ID as issued, and two records each with a different slip of it
    ids = {
        "A": ("cccd", "022179994765"),
        "B": ("cccd", "022199994765"),
        "C": ("cccd", "202179994765"),
    }
    edges = [("A", "C", 0.99), ("A", "B", 0.98), ("B", "C", 0.97)]
    # B and C are more than a slip apart, yet each is a slip of A: one person
    assert set(linkage.clusters(edges, threshold=0.8, personal_ids=ids).values()) == {"A"}
