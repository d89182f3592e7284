"""Synthetic past dossiers for the demo and the benchmarks: a year of finished and
open dossiers across the province's agencies and wards, so that the index, the
dashboards and the open-data statistics have something to show on a fresh install.

Rows are inserted in bulk (no timeline, no audit events: they stand for history
imported from the previous system), under one inactive account that no one can sign
in to. They keep the one-stop rules: filed at a desk, received, decided and handed back
on working days (`core.workdays`) in office hours; due by the calendar the services
use; the fee the procedure's rule gives (`procedures.fees.fee_for`). Each agency draws its own habits (share filed online, share on time, paid
online, digitized, rated) from the seed, so rankings differ between agencies and are
the same from one run to the next. Recent ones stay open only with `with_open` (the
benchmarks): in the demo, the officers' queues hold only what people filed."""

from __future__ import annotations

import datetime
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tinhso.accounts import services as accounts
from tinhso.accounts.models import Agency, AgencyKind, User
from tinhso.core import workdays
from tinhso.dossiers.models import Dossier, DossierDocument, DossierStep
from tinhso.payments.models import Payment, PaymentMethod, PaymentStatus
from tinhso.payments.selectors import compact_code
from tinhso.procedures.fees import fee_for
from tinhso.procedures.models import Procedure, ProcedureLevel, ProcedureVersion
from tinhso.procedures.selectors import definition_of

HISTORY_USER = "lich-su-ho-so"
PREFIX = "LS"  # codes LS-<agency>-<n>: never collide with live codes
SCAN_PATH = "history/ban-scan-luu-tru.pdf"
OPENS, CLOSES = datetime.time(7, 30), datetime.time(17, 0)  # office hours, local time


def _history_user() -> User:
    """The one inactive account every past dossier is filed under."""
    user = User.objects.filter(username=HISTORY_USER).first()
    if user is None:
        user = accounts.create_placeholder_user(
            actor=None, username=HISTORY_USER, full_name="Hồ sơ lịch sử"
        )
    return user


class _Scan(NamedTuple):
    path: str
    size: int
    sha256: str


def _archived_scan() -> _Scan:
    """The one placeholder scan every digitized past dossier points to (the papers
    of the previous system are not part of the demo)."""
    from reportlab.platypus import Paragraph

    from tinhso.core import pdf

    path = Path(settings.MEDIA_ROOT) / SCAN_PATH
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "Bản scan hồ sơ giấy (dữ liệu lịch sử, bản giữ chỗ)"
        story = [Paragraph(text, pdf.styles()["base"])]
        path.write_bytes(pdf.build(story, title=text, author="tinhso"))
        path.chmod(0o600)
    content = path.read_bytes()
    return _Scan(SCAN_PATH, len(content), hashlib.sha256(content).hexdigest())


def history_exists() -> bool:
    return Dossier.objects.filter(code__startswith=f"{PREFIX}-").exists()


@dataclass
class _Catalogue:
    """What past dossiers are drawn from: the active procedures with a version, the
    wards' committees, and the province's one-stop desk."""

    procedures: list[Procedure]
    versions: dict[int, ProcedureVersion]  # procedure id -> its last version
    wards: list[Agency]
    desk: Agency

    @classmethod
    def load(cls) -> _Catalogue | None:
        desk = Agency.objects.get(code="TTPVHCC")
        wards = list(Agency.objects.filter(kind=AgencyKind.WARD_COMMITTEE, is_active=True))
        versions = {
            v.procedure_id: v
            for v in ProcedureVersion.objects.filter(procedure__is_active=True).order_by(
                "procedure_id", "number"
            )
        }  # the last version of each wins
        procedures = [p for p in Procedure.objects.filter(is_active=True) if p.pk in versions]
        if not procedures or not wards:
            return None
        return cls(procedures=procedures, versions=versions, wards=wards, desk=desk)


class _Habits(NamedTuple):
    """An agency's ways, drawn once from the seed: the share of each."""

    online: float  # filed online
    on_time: float  # resolved on time
    paid_online: float  # fee paid online
    rated: float  # rated
    happy: float  # satisfied when rated
    digitized: float  # papers digitized at receipt


class _Plan(NamedTuple):
    """What the bulk insert needs beside the dossier's row."""

    digitized: bool
    agency: Agency
    received: datetime.datetime
    due: datetime.date
    finished: datetime.datetime | None
    paid_online: bool  # the fee paid by transfer (a Payment row beside the dossier)


@dataclass
class _Outcome:
    status: str = "returned"
    issued: datetime.datetime | None = None
    returned_at: datetime.datetime | None = None
    finished: datetime.datetime | None = None
    rating: int | None = None


class _Drawer:
    """Draws past dossiers one after another from one `random.Random`, so that the
    same seed, catalogue and day give the same dossiers."""

    def __init__(
        self,
        *,
        rng: random.Random,
        catalogue: _Catalogue,
        user: User,
        today: datetime.date,
        months: int,
        with_open: bool,
    ) -> None:
        self.rng, self.catalogue, self.user = rng, catalogue, user
        self.today, self.with_open = today, with_open
        self.start = today - datetime.timedelta(days=30 * months)
        self.span = (today - self.start).days
        self.habits: dict[int, _Habits] = {}
        self.sequence = Dossier.objects.filter(code__startswith=f"{PREFIX}-").count()
        self.tz = timezone.get_default_timezone()  # Asia/Ho_Chi_Minh
        self.cal = workdays.calendar()

    def _habits(self, agency: Agency) -> _Habits:
        if agency.pk not in self.habits:
            u = self.rng.uniform
            self.habits[agency.pk] = _Habits(
                online=u(0.45, 0.97),
                on_time=u(0.86, 0.995),
                paid_online=u(0.2, 0.9),
                rated=u(0.5, 0.95),
                happy=u(0.75, 0.99),
                digitized=u(0.55, 0.98),
            )
        return self.habits[agency.pk]

    def _place(self, procedure: Procedure) -> tuple[Agency, Agency]:
        """The agency that decides and the desk that receives."""
        if procedure.level == ProcedureLevel.WARD:
            agency = self.rng.choice(self.catalogue.wards)
            return agency, agency
        return procedure.agency or self.catalogue.desk, self.catalogue.desk

    def _status(self, procedure: Procedure, age: int) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.02:
            return "refused"
        if roll < 0.035:
            return "withdrawn"
        if self.with_open and age < procedure.processing_days * 2 and rng.random() < 0.7:
            return rng.choice(["received", "in_progress", "in_progress", "awaiting_approval"])
        return "returned"

    # ------------------------------------------------------------ office hours

    def _at(self, day: datetime.date, time: datetime.time) -> datetime.datetime:
        return datetime.datetime.combine(day, time, tzinfo=self.tz)

    def _between(self, low: datetime.datetime, high: datetime.datetime) -> datetime.datetime:
        """A moment from `low` to `high`, to the minute (the lower one if none between)."""
        minutes = int((high - low).total_seconds() // 60)
        return low + datetime.timedelta(minutes=self.rng.randint(0, max(0, minutes)))

    def _closing(self, day: datetime.date) -> datetime.datetime:
        """The last minute of office hours on `day`."""
        return self._at(day, CLOSES) - datetime.timedelta(minutes=1)

    def _office(
        self, day: datetime.date, after: datetime.datetime | None = None
    ) -> datetime.datetime:
        """A moment in office hours on `day` if it is a working day (else the next
        one), no earlier than `after`: the next working day once its hours are over."""
        if not self.cal.is_working_day(day):
            day = self.cal.next_working_day(day)
        if after is not None and after > self._closing(day):
            day = self.cal.next_working_day(day)
        low = self._at(day, OPENS)
        if after is not None and after > low:
            low = after
        return self._between(low, self._closing(day))

    def _later(self, moment: datetime.datetime, hours: int) -> datetime.datetime:
        """`hours` after `moment`, or the next moment in office hours after that."""
        then = timezone.localtime(moment + datetime.timedelta(hours=hours), self.tz)
        opens, closes = self._at(then.date(), OPENS), self._at(then.date(), CLOSES)
        if self.cal.is_working_day(then.date()) and opens <= then < closes:
            return then
        return self._office(then.date(), after=then)

    def _last_working_day(self, low: datetime.date, high: datetime.date) -> datetime.date:
        """The last working day from `low` (a working day) to `high`."""
        while high > low and not self.cal.is_working_day(high):
            high -= datetime.timedelta(days=1)
        return high

    # ------------------------------------------------------------ the draw

    def _filed(self, desk: bool) -> tuple[datetime.datetime, datetime.datetime]:
        """When the dossier was filed and received: at a desk, on a working day in
        office hours and received on the spot; online, at any hour, and received in
        the desk's next office hours. Never received after `today`."""
        rng = self.rng
        while True:
            day = self.start + datetime.timedelta(days=rng.randrange(self.span + 1))
            if desk:
                if not self.cal.is_working_day(day):
                    continue
                opens = self._at(day, OPENS)
                submitted = self._between(opens, opens + datetime.timedelta(hours=9))
                received = submitted + datetime.timedelta(minutes=rng.randint(5, 25))
            else:
                submitted = self._at(day, datetime.time(rng.randint(0, 23), rng.randint(0, 59)))
                received = self._later(submitted, rng.randint(1, 20))
            if received.date() <= self.today:
                return submitted, received

    def _outcome(
        self,
        habits: _Habits,
        received: datetime.datetime,
        cut_off: datetime.time,
        processing_days: int,
        due: datetime.date,
        status: str,
    ) -> _Outcome:
        """When a returned dossier's step was finished, its result issued and handed
        back (each on a working day in office hours), and its rating."""
        if status != "returned":
            return _Outcome(status=status)
        rng, cal = self.rng, self.cal
        if rng.random() > habits.on_time:  # late by up to six working days
            issued_day = cal.add_working_days(due, rng.randint(1, 6))
        else:  # on time: from the day it counts as received up to the due date
            issued_day = cal.due_date(received, rng.randint(0, processing_days), cut_off)
        issued_day = self._last_working_day(received.date(), min(self.today, issued_day))
        issued = self._office(issued_day, after=received)
        if issued.date() > self.today:  # received at the close of `today`: issued then
            issued = received
        opens = max(received, self._at(issued.date(), OPENS))
        returned = self._later(issued, rng.randint(1, 48))
        if returned.date() > self.today:  # handed back the same day
            returned = self._between(issued, self._closing(issued.date()))
        outcome = _Outcome(
            issued=issued, returned_at=returned, finished=self._between(opens, issued)
        )
        if rng.random() < habits.rated:
            happy = rng.random() < habits.happy
            outcome.rating = rng.choice([4, 5]) if happy else rng.choice([1, 2, 3])
        return outcome

    def draw(self) -> tuple[Dossier, _Plan]:
        rng, cal = self.rng, self.cal
        procedure = rng.choice(self.catalogue.procedures)
        version = self.catalogue.versions[procedure.pk]
        days = definition_of(version).processing_days
        agency, at_desk = self._place(procedure)
        habits = self._habits(agency)
        channel = "online" if rng.random() < habits.online else "desk"
        submitted, received = self._filed(desk=channel == "desk")
        cut_off = at_desk.cut_off_time  # as dossiers.services: receive and submit
        due = cal.due_date(received, days, cut_off)
        status = self._status(procedure, (self.today - submitted.date()).days)
        outcome = self._outcome(habits, received, cut_off, days, due, status)
        data: dict = {}  # the forms of the previous system are not kept
        fee = fee_for(version, data, on=timezone.localdate(submitted, self.tz))
        paid_online = bool(fee) and rng.random() < habits.paid_online
        self.sequence += 1
        dossier = Dossier(
            code=f"{PREFIX}-{agency.code}-{self.sequence:07d}", procedure=procedure,
            procedure_version=version, applicant=self.user,
            applicant_name="Hồ sơ lịch sử", agency=agency, desk=at_desk, unit_id=agency.unit_id,
            status=status, channel=channel, data=data, fee_amount=fee,
            submitted_at=submitted, received_at=received if status != "refused" else None,
            due_date=due, expected_date=cal.due_date(submitted, days, cut_off),
            result_issued_at=outcome.issued, returned_at=outcome.returned_at,
            rating=outcome.rating,
        )  # fmt: skip
        digitized = status not in ("refused", "withdrawn") and rng.random() < habits.digitized
        return dossier, _Plan(digitized, agency, received, due, outcome.finished, paid_online)


@transaction.atomic
def _save(drawn: list[tuple[Dossier, _Plan]], *, user: User, scan: _Scan, with_steps: bool) -> int:
    """One batch in bulk: the dossiers, their step, the scan of the digitized ones."""
    saved = Dossier.objects.bulk_create([dossier for dossier, _plan in drawn])
    plans = [plan for _dossier, plan in drawn]
    if with_steps:
        DossierStep.objects.bulk_create(
            DossierStep(
                dossier_id=dossier.pk, code="tham-dinh", name="Thẩm định hồ sơ",
                role="specialist", agency=plan.agency, started_at=plan.received,
                due_date=plan.due, finished_at=plan.finished,
                outcome="submit_for_approval" if plan.finished else "",
            )
            for dossier, plan in zip(saved, plans, strict=True)
        )  # fmt: skip
    DossierDocument.objects.bulk_create(
        DossierDocument(
            dossier_id=dossier.pk, kind="ban-scan", file_path=scan.path,
            display_name="ban-scan.pdf", content_type="application/pdf",
            size=scan.size, sha256=scan.sha256, uploaded_by=user,
        )
        for dossier, plan in zip(saved, plans, strict=True)
        if plan.digitized
    )  # fmt: skip
    Payment.objects.bulk_create(
        Payment(
            dossier_id=dossier.pk, code=dossier.code, code_compact=compact_code(dossier.code),
            agency_id=dossier.agency_id, amount=dossier.fee_amount, status=PaymentStatus.PAID,
            method=PaymentMethod.TRANSFER, reference=f"LS-{dossier.pk}",
            paid_at=dossier.submitted_at,
        )
        for dossier, plan in zip(saved, plans, strict=True)
        if plan.paid_online
    )  # fmt: skip
    return len(saved)


def create_history(
    *,
    count: int,
    months: int = 12,
    seed: int = 766,
    today: datetime.date | None = None,
    with_steps: bool = True,
    with_open: bool = False,
    batch: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> int:
    rng = random.Random(seed)  # noqa: S311  (synthetic data, reproducible from the seed)
    today = today or timezone.localdate()
    user = _history_user()
    catalogue = _Catalogue.load()
    if catalogue is None:
        return 0
    scan = _archived_scan()
    drawer = _Drawer(
        rng=rng, catalogue=catalogue, user=user, today=today, months=months, with_open=with_open
    )
    created = 0
    drawn: list[tuple[Dossier, _Plan]] = []
    for _i in range(count):
        drawn.append(drawer.draw())
        if len(drawn) >= batch or _i == count - 1:
            created += _save(drawn, user=user, scan=scan, with_steps=with_steps)
            if progress:
                progress(created)
            drawn = []
    return created
