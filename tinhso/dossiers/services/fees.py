"""A fee payment recorded by the app that keeps payments (payments): the dossier
itself holds no payment flag, but the change signals go out around the payment's
write, so that what reads payments per dossier (the index's counts) follows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..models import Dossier
from ..signals import dossier_changed, dossier_changing
from .common import _locked


@contextmanager
def recording_fee_payment(*, code: str) -> Iterator[Dossier]:
    """Lock dossier `code`, send `dossier_changing`, let the caller write the payment,
    then bump the version and send `dossier_changed`, in the caller's transaction.
    The caller (a payment service) checks who may and writes the audit event."""
    dossier = _locked(code)
    dossier_changing.send(sender=Dossier, dossier=dossier)
    yield dossier
    dossier.version += 1
    dossier.save(update_fields=["version", "updated_at"])
    dossier_changed.send(sender=Dossier, dossier=dossier)
