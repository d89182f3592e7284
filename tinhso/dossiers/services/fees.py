"""The dossier's fee flag, set by the app that records payments (payments)."""

from __future__ import annotations

from ..models import Dossier
from ..signals import dossier_changed, dossier_changing
from .common import _locked


def mark_fee_paid(*, code: str) -> Dossier:
    """The fee of dossier `code` is paid: its flag set in the caller's transaction,
    with the change signals so that the index's counts follow. The caller (a payment
    service) checks who may and writes the audit event."""
    dossier = _locked(code)
    if dossier.fee_paid:
        return dossier
    dossier_changing.send(sender=Dossier, dossier=dossier)
    dossier.fee_paid = True
    dossier.version += 1
    dossier.save(update_fields=["fee_paid", "version", "updated_at"])
    dossier_changed.send(sender=Dossier, dossier=dossier)
    return dossier
