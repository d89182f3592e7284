from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "tinhso.audit"
    label = "audit"
    verbose_name = "Nhật ký hệ thống"

    def ready(self):
        from tinhso.core.signals import audited_change, restored

        audited_change.connect(_record, dispatch_uid="tinhso.audit.kernel_changes")
        restored.connect(_seal, dispatch_uid="tinhso.audit.restored")
        post_migrate.connect(_heads, sender=self, dispatch_uid="tinhso.audit.heads")


def _record(sender, **event):
    """An audit event for a write the kernel made (in the caller's transaction)."""
    from .services import record_event

    event.pop("signal", None)
    record_event(**event)


def _seal(sender, **kwargs):
    """An archive made before the chain was keyed: key it from here on (as the
    upgrade's migration does); one made before the streams: its log is stream 0."""
    from .services import ensure_heads, seal_head

    seal_head()
    ensure_heads()


def _heads(sender, using="default", **kwargs):
    """After `migrate` (and a test database's flush): every stream has its head."""
    from .services import ensure_heads

    if using == "default":
        ensure_heads()
