"""Signals the kernel sends to the layers above it, which it does not know.

`audited_change`: a write of the kernel's own reference data (the decreed
calendar swaps) that must leave an audit event in the same transaction. The audit
app records it (`tinhso.audit.apps`); the sender passes the event's fields as
keyword arguments: `actor, action, object_type, object_id, before, after`.

`restored`: `tinhso restore` loaded an archive's rows and put its files back (the
audit app seals the chain of an archive made before the chain was keyed).
"""

from django.dispatch import Signal

audited_change = Signal()
restored = Signal()
