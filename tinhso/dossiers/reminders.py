"""The daily reminder: every officer holding a step that is due today, due tomorrow
or already late hears about it once a day."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core import workdays
from tinhso.notifications.services import notify

from .models import DossierStep


def remind_due_steps(*, today=None) -> int:
    """Notify each assignee of their open steps due by the next working day; returns
    how many people were told."""
    today = today or timezone.localdate()
    horizon = workdays.calendar().add_working_days(today, 1)
    steps = (
        DossierStep.objects.open()
        .filter(assignee__isnull=False, due_date__lte=horizon)
        .select_related("dossier", "assignee")
        .order_by("assignee_id", "due_date")
    )
    by_person: dict[int, list[DossierStep]] = defaultdict(list)
    for step in steps:
        by_person[step.assignee_id].append(step)
    for items in by_person.values():
        person = items[0].assignee
        late = [s for s in items if s.is_late(at=today)]
        lines = [
            (
                _("%(code)s · %(step)s · hạn %(due)s (quá hạn)")
                if s.is_late(at=today)
                else _("%(code)s · %(step)s · hạn %(due)s")
            )
            % {"code": s.dossier.code, "step": s.name, "due": s.due_date.strftime("%d/%m/%Y")}
            for s in items
        ]
        with transaction.atomic():
            notify(
                user=person,
                subject=_("Hồ sơ đến hạn hoặc quá hạn: %(n)s (%(late)s quá hạn)")
                % {"n": len(items), "late": len(late)},
                body="\n".join(lines),
                link="/lam-viec/ho-so/?mine=on",
            )
    return len(by_person)
