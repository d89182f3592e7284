"""Open, received, resolved, on time and late have one definition (models.py): the
queries and the predicates of one dossier or step agree, whatever the dossier."""

import datetime
import itertools

import pytest
from django.utils import timezone

from tinhso.dossiers.models import (
    Dossier,
    DossierStep,
    Status,
    step_finished_late_q,
    step_late_q,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 5, 14)
DAY = datetime.timedelta(days=1)


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 30)))


@pytest.fixture
def many(received):
    """Every state × due date × expected date × result date around TODAY."""
    template = Dossier.objects.get(pk=received.pk)
    combos = itertools.product(
        Status.values,
        [None, TODAY - DAY, TODAY, TODAY + DAY],  # due_date
        [None, TODAY - DAY, TODAY + DAY],  # expected_date
        [None, _at(TODAY - 2 * DAY), _at(TODAY + 2 * DAY)],  # result_issued_at
    )
    rows = []
    for n, (status, due, expected, issued) in enumerate(combos):
        row = Dossier.objects.get(pk=template.pk)
        row.pk, row.code = None, f"STATES-{n:04d}"
        row.status, row.due_date, row.expected_date, row.result_issued_at = (
            status,
            due,
            expected,
            issued,
        )
        rows.append(row)
    Dossier.objects.bulk_create(rows)
    return list(Dossier.objects.all())


@pytest.mark.parametrize(
    ("query", "predicate"),
    [
        (lambda qs: qs.open(), lambda d: d.is_open),
        (lambda qs: qs.received(), lambda d: d.is_received),
        (lambda qs: qs.resolved(), lambda d: d.is_resolved),
        (lambda qs: qs.on_time(), lambda d: d.is_on_time),
        (lambda qs: qs.late(at=TODAY), lambda d: d.is_late(at=TODAY)),
    ],
    ids=["open", "received", "resolved", "on_time", "late"],
)
def test_the_queries_and_the_predicates_agree(many, query, predicate):
    found = set(query(Dossier.objects.all()).values_list("pk", flat=True))
    expected = {d.pk for d in many if predicate(d)}
    assert found == expected
    assert 0 < len(expected) < len(many)  # the set tells them apart


def test_lateness_stops_with_the_clock_and_at_the_end(received):
    received.due_date = TODAY - DAY
    for status, late in [
        (Status.IN_PROGRESS, True),
        (Status.AWAITING_SUPPLEMENT, False),
        (Status.RETURNED, False),
    ]:
        received.status = status
        assert received.is_late(at=TODAY) is late
    received.status, received.due_date, received.expected_date = Status.SUBMITTED, None, TODAY
    assert not received.is_late(at=TODAY) and received.is_late(at=TODAY + DAY)


def test_late_steps_by_query_and_by_predicate(received):
    template = DossierStep.objects.filter(dossier=received).first()
    steps = []
    for n, (due, finished) in enumerate(
        itertools.product(
            [TODAY - DAY, TODAY, TODAY + DAY], [None, _at(TODAY - 2 * DAY), _at(TODAY)]
        )
    ):
        step = DossierStep.objects.get(pk=template.pk)
        step.pk, step.code, step.due_date, step.finished_at = None, f"s{n}", due, finished
        steps.append(step)
    DossierStep.objects.bulk_create(steps)
    ours = DossierStep.objects.filter(code__startswith="s")
    open_late = set(ours.open().filter(due_date__lt=TODAY).values_list("pk", flat=True))
    assert set(ours.filter(step_late_q(TODAY)).values_list("pk", flat=True)) == open_late
    finished_late = set(ours.filter(step_finished_late_q()).values_list("pk", flat=True))
    assert open_late | finished_late == {s.pk for s in ours if s.is_late(at=TODAY)}
    assert open_late and finished_late
