"""What other modules may listen to, so that they need not be imported here."""

from django.dispatch import Signal

# Sent inside the transaction of every change to a filed dossier (a step of its
# life, a paper attached), with the locked `dossier`: `dossier_changing` before the
# change, `dossier_changed` after the row is saved. Receivers run in the same
# transaction (the index's counts follow each change this way).
dossier_changing = Signal()
dossier_changed = Signal()
