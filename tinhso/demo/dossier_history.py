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
import random
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tinhso.accounts.models import Agency, AgencyKind
from tinhso.dossiers.models import Dossier, DossierDocument, DossierStep
from tinhso.procedures.models import Procedure, ProcedureLevel, ProcedureVersion

HISTORY_USER = "lich-su-ho-so"
PREFIX = "LS"  # codes LS-<agency>-<n>: never collide with live codes


def _history_user():
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=HISTORY_USER,
        defaults={"full_name": "Hồ sơ lịch sử", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _archived_scan() -> tuple[str, int, str]:
    """The one placeholder scan every digitized past dossier points to (the papers
    of the previous system are not part of the demo)."""
    import hashlib
    from pathlib import Path

    from django.conf import settings
    from reportlab.platypus import Paragraph

    from tinhso.core import pdf

    relative = "history/ban-scan-luu-tru.pdf"
    path = Path(settings.MEDIA_ROOT) / relative
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "Bản scan hồ sơ giấy (dữ liệu lịch sử, bản giữ chỗ)"
        story = [Paragraph(text, pdf.styles()["base"])]
        path.write_bytes(pdf.build(story, title=text, author="tinhso"))
        path.chmod(0o600)
    content = path.read_bytes()
    return relative, len(content), hashlib.sha256(content).hexdigest()


def history_exists() -> bool:
    return Dossier.objects.filter(code__startswith=f"{PREFIX}-").exists()


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
        return 0
    scan_path, scan_size, scan_sha = _archived_scan()
    habits: dict[int, tuple[float, float, float, float, float, float]] = {}

    def habit(agency: Agency):
        if agency.pk not in habits:
            habits[agency.pk] = (
                rng.uniform(0.45, 0.97),  # filed online
                rng.uniform(0.86, 0.995),  # resolved on time
                rng.uniform(0.2, 0.9),  # fee paid online
                rng.uniform(0.5, 0.95),  # rated
                rng.uniform(0.75, 0.99),  # satisfied when rated
                rng.uniform(0.55, 0.98),  # papers digitized at receipt
            )
        return habits[agency.pk]

    start = today - datetime.timedelta(days=30 * months)
    span = (today - start).days
    created = 0
    dossiers: list[Dossier] = []
    plans: list[
        tuple[bool, Agency, datetime.datetime, datetime.date, datetime.datetime | None]
    ] = []

    def flush():
        nonlocal dossiers, plans, created
        with transaction.atomic():
            saved = Dossier.objects.bulk_create(dossiers)
            if with_steps:
                steps = []
                for dossier, (_i, agency, received, due, finished) in zip(
                    saved, plans, strict=True
                ):
                    steps.append(DossierStep(
                        dossier_id=dossier.pk, code="tham-dinh", name="Thẩm định hồ sơ",
                        role="specialist", agency=agency, started_at=received, due_date=due,
                        finished_at=finished, outcome="submit_for_approval" if finished else "",
                    ))  # fmt: skip
                DossierStep.objects.bulk_create(steps)
            DossierDocument.objects.bulk_create(
                DossierDocument(
                    dossier_id=dossier.pk, kind="ban-scan", file_path=scan_path,
                    display_name="ban-scan.pdf", content_type="application/pdf",
                    size=scan_size, sha256=scan_sha, uploaded_by=user,
                )
                for dossier, (digitized, *_rest) in zip(saved, plans, strict=True)
                if digitized
            )  # fmt: skip
        created += len(dossiers)
        if progress:
            progress(created)
        dossiers, plans = [], []

    sequence = Dossier.objects.filter(code__startswith=f"{PREFIX}-").count()
    tz = timezone.get_current_timezone()
    for _i in range(count):
        procedure = rng.choice(procedures)
        if procedure.level == ProcedureLevel.WARD:
            agency = rng.choice(wards)
            at_desk = agency
        else:
            agency = procedure.agency or desk
            at_desk = desk
        online_p, on_time_p, paid_p, rated_p, happy_p, scan_p = habit(agency)
        day = start + datetime.timedelta(days=rng.randrange(span + 1))
        submitted = datetime.datetime.combine(
            day, datetime.time(rng.randint(7, 16), rng.randint(0, 59)), tzinfo=tz
        )
        received = submitted + datetime.timedelta(hours=rng.randint(1, 20))
        due = received.date() + datetime.timedelta(days=round(procedure.processing_days * 1.4) + 1)
        age = (today - day).days
        roll = rng.random()
        status = "returned"
        if roll < 0.02:
            status = "refused"
        elif roll < 0.035:
            status = "withdrawn"
        elif with_open and age < procedure.processing_days * 2 and rng.random() < 0.7:
            status = rng.choice(["received", "in_progress", "in_progress", "awaiting_approval"])
        issued = returned_at = finished = None
        rating = None
        if status == "returned":
            late = rng.random() > on_time_p
            offset = (
                rng.randint(1, 6) if late else -rng.randint(0, max(1, procedure.processing_days))
            )
            issued_day = min(today, max(received.date(), due + datetime.timedelta(days=offset)))
            issued = datetime.datetime.combine(issued_day, datetime.time(15, 0), tzinfo=tz)
            returned_at = issued + datetime.timedelta(hours=rng.randint(1, 48))
            finished = issued - datetime.timedelta(hours=4)
            if rng.random() < rated_p:
                rating = rng.choice([4, 5]) if rng.random() < happy_p else rng.choice([1, 2, 3])
        sequence += 1
        dossiers.append(Dossier(
            code=f"{PREFIX}-{agency.code}-{sequence:07d}", procedure=procedure,
            procedure_version_id=versions[procedure.pk], applicant=user,
            applicant_name="Hồ sơ lịch sử", agency=agency, desk=at_desk, unit_id=agency.unit_id,
            status=status, channel="online" if rng.random() < online_p else "desk",
            data={}, fee_amount=procedure.fee, fee_paid=bool(procedure.fee) and rng.random() < paid_p,
            submitted_at=submitted, received_at=received if status != "refused" else None,
            due_date=due, expected_date=due, result_issued_at=issued, returned_at=returned_at,
            rating=rating,
        ))  # fmt: skip
        digitized = status not in ("refused", "withdrawn") and rng.random() < scan_p
        plans.append((digitized, agency, received, due, finished))
        if len(dossiers) >= batch:
            flush()
    if dossiers:
        flush()
    return created
