"""Synthetic past dossiers for the demo and the benchmarks: a year of finished and
open dossiers across the province's agencies and wards, so that the index, the
dashboards and the open-data statistics have something to show on a fresh install.

Rows are inserted in bulk (no timeline, no audit events: they stand for history
imported from the previous system), under one inactive account that no one can sign
in to. Each agency draws its own habits (share filed online, share on time, paid
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
from tinhso.dossiers.models import Dossier, DossierDocument, DossierStep
from tinhso.procedures.models import Procedure, ProcedureLevel, ProcedureVersion

HISTORY_USER = "lich-su-ho-so"
PREFIX = "LS"  # codes LS-<agency>-<n>: never collide with live codes
SCAN_PATH = "history/ban-scan-luu-tru.pdf"


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
    versions: dict[int, int]  # procedure id -> its last version's id
    wards: list[Agency]
    desk: Agency

    @classmethod
    def load(cls) -> _Catalogue | None:
        desk = Agency.objects.get(code="TTPVHCC")
        wards = list(Agency.objects.filter(kind=AgencyKind.WARD_COMMITTEE, is_active=True))
        versions = {
            v.procedure_id: v.pk
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
        self.tz = timezone.get_current_timezone()

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

    def _outcome(
        self,
        procedure: Procedure,
        habits: _Habits,
        received: datetime.datetime,
        due: datetime.date,
        status: str,
    ) -> _Outcome:
        """When a returned dossier's result was issued and handed back, and its rating."""
        if status != "returned":
            return _Outcome(status=status)
        rng = self.rng
        late = rng.random() > habits.on_time
        offset = rng.randint(1, 6) if late else -rng.randint(0, max(1, procedure.processing_days))
        issued_day = min(self.today, max(received.date(), due + datetime.timedelta(days=offset)))
        issued = datetime.datetime.combine(issued_day, datetime.time(15, 0), tzinfo=self.tz)
        outcome = _Outcome(
            issued=issued,
            returned_at=issued + datetime.timedelta(hours=rng.randint(1, 48)),
            finished=issued - datetime.timedelta(hours=4),
        )
        if rng.random() < habits.rated:
            happy = rng.random() < habits.happy
            outcome.rating = rng.choice([4, 5]) if happy else rng.choice([1, 2, 3])
        return outcome

    def draw(self) -> tuple[Dossier, _Plan]:
        rng = self.rng
        procedure = rng.choice(self.catalogue.procedures)
        agency, at_desk = self._place(procedure)
        habits = self._habits(agency)
        day = self.start + datetime.timedelta(days=rng.randrange(self.span + 1))
        submitted = datetime.datetime.combine(
            day, datetime.time(rng.randint(7, 16), rng.randint(0, 59)), tzinfo=self.tz
        )
        received = submitted + datetime.timedelta(hours=rng.randint(1, 20))
        due = received.date() + datetime.timedelta(days=round(procedure.processing_days * 1.4) + 1)
        status = self._status(procedure, (self.today - day).days)
        outcome = self._outcome(procedure, habits, received, due, status)
        self.sequence += 1
        dossier = Dossier(
            code=f"{PREFIX}-{agency.code}-{self.sequence:07d}", procedure=procedure,
            procedure_version_id=self.catalogue.versions[procedure.pk], applicant=self.user,
            applicant_name="Hồ sơ lịch sử", agency=agency, desk=at_desk, unit_id=agency.unit_id,
            status=status, channel="online" if rng.random() < habits.online else "desk",
            data={}, fee_amount=procedure.fee,
            fee_paid=bool(procedure.fee) and rng.random() < habits.paid_online,
            submitted_at=submitted, received_at=received if status != "refused" else None,
            due_date=due, expected_date=due, result_issued_at=outcome.issued,
            returned_at=outcome.returned_at, rating=outcome.rating,
        )  # fmt: skip
        digitized = status not in ("refused", "withdrawn") and rng.random() < habits.digitized
        return dossier, _Plan(digitized, agency, received, due, outcome.finished)


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
