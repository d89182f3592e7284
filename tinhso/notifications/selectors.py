from .models import Notification


def notifications_for(user, *, unread_only: bool = False):
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at")


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
