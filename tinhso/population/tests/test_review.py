"""Clerical review, merges and unmerges, golden records."""

import datetime

import pytest

from tinhso.audit.models import AuditEvent
from tinhso.core.errors import Conflict, PermissionDenied
from tinhso.population import linking, services
from tinhso.population.models import Merge, Person, ReviewPair, SourceRecord

pytestmark = pytest.mark.django_db


def _record(
    record_id, *, name="Nguyễn Văn An", source="police", dob=datetime.date(1990, 5, 12), **kw
):
    person = Person.objects.create(full_name=name, name_folded=name.lower())
    rec = SourceRecord.objects.create(
        record_id=record_id, source=source, raw={"date_of_birth": dob.strftime("%d/%m/%Y")},
        full_name=name, name_folded=name.lower(), date_of_birth=dob, dob_precision="full",
        person=person, **kw,
    )  # fmt: skip
    services.refresh_golden(person)
    return rec


@pytest.fixture
def pair():
    a = _record("A", name="Nguyễn Văn An", source="health", phone="0912345678")
    b = _record("B", name="Nguyen Van An", source="police", personal_id="022090012345")
    return ReviewPair.objects.create(
        record_a=a, record_b=b, match_probability=0.7,
        evidence=[{"comparison": "họ tên", "level": "same letters", "bayes_factor": 3000.0}],
    )  # fmt: skip


def _people():
    return set(Person.objects.filter(merged_into__isnull=True).values_list("pk", flat=True))


def test_a_match_decision_merges_the_two_people(pair, registry_officer):
    before = _people()
    services.decide_pair(actor=registry_officer, pair=pair, same_person=True, note="cùng CCCD")
    pair.refresh_from_db()
    assert pair.state == ReviewPair.State.MATCH and pair.decided_by == registry_officer
    a, b = (SourceRecord.objects.get(record_id=x) for x in "AB")
    assert a.person_id == b.person_id
    assert len(_people()) == len(before) - 1
    golden = Person.objects.get(pk=a.person_id)
    # police outranks health for the name; the phone only health had
    assert (golden.full_name, golden.personal_id, golden.phone) == (
        "Nguyen Van An", "022090012345", "0912345678",
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="population.merge").count() == 1
    assert AuditEvent.objects.filter(action="population.review", object_id=str(pair.pk)).exists()


def test_a_non_match_decision_keeps_them_apart_and_the_next_dedup_respects_it(
    pair, registry_officer
):
    services.decide_pair(actor=registry_officer, pair=pair, same_person=False)
    a, b = (SourceRecord.objects.get(record_id=x) for x in "AB")
    assert a.person_id != b.person_id
    refused = {frozenset(x) for x in ReviewPair.objects.filter(state="non_match").values_list(
        "record_a__record_id", "record_b__record_id")}  # fmt: skip
    assert frozenset("AB") in refused
    with pytest.raises(Conflict):
        services.decide_pair(actor=registry_officer, pair=pair, same_person=True)


def test_unmerge_restores_both_people_with_their_records_and_golden_records(pair, registry_officer):
    a0 = SourceRecord.objects.get(record_id="A").person
    b0 = SourceRecord.objects.get(record_id="B").person
    golden_before = {p.pk: (p.full_name, p.phone, p.personal_id) for p in (a0, b0)}
    services.decide_pair(actor=registry_officer, pair=pair, same_person=True)
    merge = Merge.objects.get()
    survivor, absorbed = services.unmerge(actor=registry_officer, merge=merge)
    assert {survivor.pk, absorbed.pk} == {a0.pk, b0.pk}
    for p in Person.objects.filter(pk__in=[a0.pk, b0.pk]):
        assert p.merged_into_id is None
        assert (p.full_name, p.phone, p.personal_id) == golden_before[p.pk]
    assert SourceRecord.objects.get(record_id="A").person_id == a0.pk
    assert SourceRecord.objects.get(record_id="B").person_id == b0.pk
    assert AuditEvent.objects.filter(action="population.unmerge").count() == 1
    merge.refresh_from_db()
    assert merge.undone_at is not None and merge.undone_by == registry_officer
    with pytest.raises(Conflict):
        services.unmerge(actor=registry_officer, merge=merge)


def test_an_earlier_merge_cannot_be_undone_under_a_later_one(pair, registry_officer):
    services.decide_pair(actor=registry_officer, pair=pair, same_person=True)
    first = Merge.objects.get()
    third = _record("C", name="Nguyễn Văn An", source="justice").person
    services.merge_people(actor=registry_officer, survivor=third, absorbed=first.survivor)
    with pytest.raises(Conflict):
        services.unmerge(actor=registry_officer, merge=first)


def test_a_citizen_may_not_decide(pair, citizen):
    with pytest.raises(PermissionDenied):
        services.decide_pair(actor=citizen, pair=pair, same_person=True)
    pair.refresh_from_db()
    assert pair.state == ReviewPair.State.PENDING


def test_within_one_source_the_newest_record_wins(registry_officer):
    old = _record("O", name="Trần Thị Bình", source="police", phone="0911111111")
    new = _record("N", name="Trần Thị Bình", source="police", phone="0922222222")
    services.merge_people(actor=registry_officer, survivor=old.person, absorbed=new.person)
    old.person.refresh_from_db()
    assert old.person.phone == "0922222222"


def test_a_citizens_account_is_linked_to_their_person(citizen):
    rec = _record("P", name=citizen.full_name, personal_id=citizen.personal_id)
    assert services.link_accounts() == 1
    rec.person.refresh_from_db()
    assert rec.person.account == citizen
    from tinhso.population.selectors import person_for_user

    assert person_for_user(citizen) == rec.person


def test_a_likely_pair_between_two_id_holders_goes_to_review_not_into_one_person(
    registry_officer, monkeypatch
):
    """Namesakes born the same day, with a record without an ID looking like both:
    the dedup makes two people and leaves the held-apart pair to an officer."""
    from tinhso.population import linkage

    a = _record("A", personal_id="022090012345", phone="0912345678")
    b = _record("B")  # no ID, no phone
    c = _record("C", personal_id="022090099999")
    ids = {x.record_id: str(x.pk) for x in (a, b, c)}

    def link(con, **_kw):
        edges = [(ids["A"], ids["B"], 0.99), (ids["B"], ids["C"], 0.97)]
        return linkage.Result(edges=edges, model={})

    monkeypatch.setattr(linkage, "link_duckdb", link)
    linking.dedup_registry(actor=registry_officer, model={})
    a, b, c = (SourceRecord.objects.get(record_id=x) for x in "ABC")
    assert a.person_id == b.person_id != c.person_id
    queued = ReviewPair.objects.get()
    assert {queued.record_a_id, queued.record_b_id} == {b.pk, c.pk}
    assert queued.match_probability == pytest.approx(0.97)
