"""Daily linking (`tinhso dedup --registry --incremental`): the new records against
the registry's people; clusters that agree with a full run, review pairs only for
what is new, decisions never undone."""

import collections
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from tinhso.population import daily, importing, linkage, linking, services
from tinhso.population.models import Merge, Person, ReviewPair, SourceRecord

from .test_linkage import deduped, generated  # noqa: F401  (module fixtures: trained once)

pytestmark = pytest.mark.django_db

FIRST, MORE = 600, 200


def _import(lines, tmp_path, name):
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    importing.run_import(importing.start_import(actor=None, path=path, run=False))


def _pairs(groups) -> set[frozenset]:
    members = collections.defaultdict(list)
    for record, group in groups.items():
        members[group].append(record)
    return {frozenset((a, b)) for m in members.values() for a in m for b in m if a < b}


def _people() -> dict[str, int]:
    out = {}
    for record_id, person_id, merged_into in SourceRecord.objects.values_list(
        "record_id", "person_id", "person__merged_into"
    ):
        out[record_id] = merged_into or person_id
    return out


@pytest.fixture
def registry(generated, deduped, tmp_path):  # noqa: F811
    """FIRST records imported and linked by a full run; MORE imported since."""
    lines = generated.read_text(encoding="utf-8").splitlines(keepends=True)
    _import(lines[: FIRST + 1], tmp_path, "day1.csv")
    model = linkage.load_model(deduped[1])
    linking.dedup_registry(actor=None, model=model)
    _import(lines[:1] + lines[FIRST + 1 : FIRST + MORE + 1], tmp_path, "day2.csv")
    return model


def test_new_records_are_linked_and_agree_with_a_full_run(registry, deduped, tmp_path):  # noqa: F811
    before = {r: p for r, p in _people().items() if p is not None}
    pairs_before = set(ReviewPair.objects.values_list("pk", flat=True))
    merges_before = set(Merge.objects.values_list("pk", "absorbed_id", "survivor_id"))
    stats = daily.dedup_incremental(actor=None, model=registry)
    assert stats["new"] > 190 and daily.unlinked() == 0
    assert stats["compared_records"] < FIRST + MORE
    after = _people()
    # nothing split: two old records of one person are still one person
    for pair in _pairs(before):
        a, b = tuple(pair)
        assert after[a] == after[b]
    assert merges_before <= set(Merge.objects.values_list("pk", "absorbed_id", "survivor_id"))
    # review pairs only for what is new
    new = set(SourceRecord.objects.filter(batch__file_name="day2.csv").values_list("pk", flat=True))
    for pair in ReviewPair.objects.exclude(pk__in=pairs_before):
        assert {pair.record_a_id, pair.record_b_id} & new
    # a full run on the same records, same model: the pairwise difference is small
    export = tmp_path / "all.csv"
    linking._export(export)
    linkage.dedup_file(export, tmp_path / "full.csv", model_path=deduped[1],
                       threshold=services.AUTO_MERGE)  # fmt: skip
    full = linkage.read_clusters(tmp_path / "full.csv")
    pk_to_record = dict(SourceRecord.objects.values_list("pk", "record_id"))
    full = {pk_to_record[int(k)]: v for k, v in full.items()}
    mine, theirs = _pairs(after), _pairs(full)
    difference = len(mine ^ theirs) / max(len(mine | theirs), 1)
    assert difference <= 0.02, (len(mine - theirs), len(theirs - mine), len(mine | theirs))


def test_a_second_run_changes_nothing_and_not_the_same_is_kept(registry):
    daily.dedup_incremental(actor=None, model=registry)
    people = Person.objects.filter(merged_into__isnull=True).count()
    reviews = ReviewPair.objects.count()
    assert daily.dedup_incremental(actor=None, model=registry)["new"] == 0
    assert Person.objects.filter(merged_into__isnull=True).count() == people
    assert ReviewPair.objects.count() == reviews


def test_the_command_and_a_lost_cache(registry, settings):
    linking.prepared_path().unlink()  # the first daily run, or another machine
    out = io.StringIO()
    call_command("dedup", registry=True, incremental=True, stdout=out)
    stats = json.loads(out.getvalue())
    assert stats["new"] > 190 and stats["registry_records"] >= FIRST - 10
    assert daily.unlinked() == 0 and linking.prepared_path().is_file()


def test_only_province_keepers_run_it(make_staff):
    from tinhso.accounts.models import Role
    from tinhso.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        daily.dedup_incremental(actor=make_staff(Role.REGISTRY_KEEPER, "UBND07090"))


def test_the_import_page_runs_the_incremental_link_as_a_job(
    registry, second_factor_client, registry_officer, django_capture_on_commit_callbacks, tmp_path
):
    from django.urls import reverse

    from tinhso.core.models import Job

    # the model the last full training saved: what the job links with
    linking.last_model_path().parent.mkdir(parents=True, exist_ok=True)
    linking.last_model_path().write_text(json.dumps(registry), encoding="utf-8")
    # a third file: a known person sent again by another agency (a new record_id)
    known = SourceRecord.objects.filter(batch__file_name="day1.csv").order_by("pk").first()
    lines = tmp_path.joinpath("day1.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    again = next(line for line in lines if line.startswith(known.record_id + ","))
    _import([lines[0], again.replace(known.record_id, "AGAIN1", 1)], tmp_path, "day3.csv")
    client = second_factor_client(registry_officer)
    home = client.get(reverse("population:home")).content.decode()
    assert "Liên kết gia tăng" in home and f"chỉ {daily.unlinked()} bản ghi mới" in home
    old = dict(SourceRecord.objects.filter(person__isnull=False).values_list("pk", "person_id"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("population:dedup"), {"incremental": "1"})
    assert response.status_code == 302
    job = Job.objects.get(kind="population.dedup")
    assert job.params == {"incremental": True}
    assert job.state == Job.State.DONE and job.done == job.total == 3
    assert daily.unlinked() == 0
    # the old records keep their people (or the one that absorbed it): nothing split
    merged_into = dict(Person.objects.values_list("pk", "merged_into"))
    now = dict(SourceRecord.objects.values_list("pk", "person_id"))
    for pk, person in old.items():
        assert (merged_into[now[pk]] or now[pk]) == (merged_into[person] or person)
    # the record sent again joined its person
    sent_again = SourceRecord.objects.get(record_id="AGAIN1")
    known.refresh_from_db()
    assert (merged_into[sent_again.person_id] or sent_again.person_id) == (
        merged_into[known.person_id] or known.person_id
    )
    page = client.get(reverse("population:home")).content.decode()
    assert f"Lần liên kết gia tăng gần nhất (#{job.pk})" in page


def test_each_run_adds_a_part_to_the_kept_registry_and_many_parts_are_folded_back(
    registry, tmp_path, monkeypatch
):
    """The kept registry is not written again whole each day: a run adds its records
    as a part beside the full run's file; a record sent the next day finds the
    person of a record linked by a daily run; past MAX_PARTS, one file again."""
    cache = linking.prepared_path()
    daily.dedup_incremental(actor=None, model=registry)
    files = linkage.incremental.registry_files(cache)
    assert files[0] == cache and len(files) == 2  # the full run's file and today's part
    known = SourceRecord.objects.filter(batch__file_name="day2.csv").order_by("pk").first()
    lines = tmp_path.joinpath("day2.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    again = next(line for line in lines if line.startswith(known.record_id + ","))
    _import([lines[0], again.replace(known.record_id, "AGAIN2", 1)], tmp_path, "day3.csv")
    monkeypatch.setattr(linkage.incremental, "MAX_PARTS", 1)
    stats = daily.dedup_incremental(actor=None, model=registry)
    assert stats["new"] == 1
    assert stats["registry_records"] == SourceRecord.objects.count() - 1
    assert linkage.incremental.registry_files(cache) == [cache]  # folded back
    people = _people()
    assert people["AGAIN2"] == people[known.record_id]


def test_a_failed_run_keeps_nothing_and_the_next_one_links_the_records(registry, monkeypatch):
    """The records join the kept registry only once they are linked: after a run that
    failed writing the people, the next run links them, each record kept once."""
    cache = linking.prepared_path()

    def fails(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(daily, "_apply", fails)
    with pytest.raises(RuntimeError):
        daily.dedup_incremental(actor=None, model=registry)
    assert linkage.incremental.registry_files(cache) == [cache] and daily.unlinked() > 190
    monkeypatch.undo()
    assert daily.dedup_incremental(actor=None, model=registry)["new"] > 190
    assert daily.unlinked() == 0
    con = linkage.connect()
    kept, _last = linkage.incremental.cache_summary(con, linkage.incremental.registry_files(cache))
    con.close()
    assert kept == SourceRecord.objects.count()


def test_golden_records_drawn_in_bulk_are_those_drawn_one_by_one(registry):
    daily.dedup_incremental(actor=None, model=registry)
    fields = services._GOLDEN_FIELDS
    people = list(Person.objects.filter(merged_into__isnull=True).order_by("pk"))
    bulk = {p.pk: [getattr(p, f) for f in fields] for p in people}
    assert sum(1 for p in people if p.records.count() > 1) > 20
    for person in people:
        services.refresh_golden(person)
        assert [getattr(person, f) for f in fields] == bulk[person.pk], person.pk


def test_the_blocking_keys_are_read_from_the_models_rules():
    model = linkage.load_model(Path(linkage.__file__).parent / "priors.json")
    keys = linkage.incremental.blocking_keys(model)
    assert keys[0] == ("pid",) and ("name_unordered", "yob") in keys
    assert len(keys) == len(model["splink"]["blocking_rules_to_generate_predictions"])
    wide = {**model["splink"], "blocking_rules_to_generate_predictions": [
        {"blocking_rule": "l.pid = r.pid OR l.phone = r.phone", "sql_dialect": "duckdb"}
    ]}  # fmt: skip
    # a rule without a required equality: every old record is a candidate
    assert linkage.incremental.blocking_keys({**model, "splink": wide}) is None


@pytest.mark.parametrize("decision", ["unmerge", "not_the_same"])
def test_a_new_record_like_two_people_kept_apart_does_not_join_them(registry, tmp_path, decision):
    """An officer separated two people (an undone merge, or "not the same person" on
    their records); a new record exactly like both joins one of them, never both."""
    daily.dedup_incremental(actor=None, model=registry)
    known = SourceRecord.objects.filter(batch__file_name="day1.csv").order_by("pk").first()
    lines = tmp_path.joinpath("day1.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(x for x in lines if x.startswith(known.record_id + ","))
    _import([lines[0], line.replace(known.record_id, "COPY1", 1)], tmp_path, "day3.csv")
    daily.dedup_incremental(actor=None, model=registry)
    copy = SourceRecord.objects.get(record_id="COPY1")
    first = Person.objects.get(pk=known.person_id)
    assert copy.person_id == first.pk  # the same person, until an officer says otherwise
    second = Person.objects.create(full_name="", name_folded="")
    SourceRecord.objects.filter(pk=copy.pk).update(person=second)
    if decision == "unmerge":
        merge = services.merge_people(actor=None, survivor=first, absorbed=second)
        services.unmerge(actor=None, merge=merge)
    else:
        ReviewPair.objects.create(record_a=known, record_b=copy, match_probability=0.995,
                                  state=ReviewPair.State.NON_MATCH)  # fmt: skip
    _import([lines[0], line.replace(known.record_id, "COPY2", 1)], tmp_path, "day4.csv")
    assert daily.dedup_incremental(actor=None, model=registry)["merged"] == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.merged_into_id is None and second.merged_into_id is None
    assert SourceRecord.objects.get(record_id="COPY2").person_id in {first.pk, second.pk}
