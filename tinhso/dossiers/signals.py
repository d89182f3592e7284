"""What other modules may listen to, so that they need not be imported here."""

from django.dispatch import Signal

# Sent inside the transaction of every step of a dossier's life, after the row is
# saved: `dossier`, and `agency_ids` (the agencies it belonged to before and after,
# which differ when it is forwarded). Receivers run in the same transaction.
dossier_changed = Signal()
