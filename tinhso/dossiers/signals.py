"""What other modules may listen to, so that they need not be imported here."""

from django.dispatch import Signal

# Sent inside the transaction of every change to a filed dossier (a step of its
# life, a paper attached), with the locked `dossier`: `dossier_changing` before the
# change, `dossier_changed` after the row is saved. Receivers run in the same
# transaction (the index's counts follow each change this way).
dossier_changing = Signal()
dossier_changed = Signal()

# Checks an app above this one adds to an action (e.g. payments: no `return` while a
# fee is unpaid): action → callables `check(dossier, *, now)` that raise a
# `core.errors.DomainError` to refuse it. Registered in the app's `ready()`.
action_preconditions: dict[str, list] = {}


def add_precondition(action: str, check) -> None:
    if check not in action_preconditions.setdefault(action, []):
        action_preconditions[action].append(check)


# Blocks an app above this one adds to the confirmation of an online submission (e.g.
# payments: the VietQR code and bank details of the fee): callables
# `section(dossier) -> list` of reportlab flowables (empty: nothing to add).
confirmation_sections: list = []


def add_confirmation_section(section) -> None:
    if section not in confirmation_sections:
        confirmation_sections.append(section)
