from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tinhso.audit"
    label = "audit"
    verbose_name = "Nhật ký hệ thống"

    def ready(self):
        from tinhso.core.signals import audited_change

        audited_change.connect(_record, dispatch_uid="tinhso.audit.kernel_changes")


def _record(sender, **event):
    """An audit event for a write the kernel made (in the caller's transaction)."""
    from .services import record_event

    event.pop("signal", None)
    record_event(**event)
