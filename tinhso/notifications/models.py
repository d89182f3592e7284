from django.conf import settings
from django.db import models


class Notification(models.Model):
    """An in-app message to a person (also sent by e-mail and SMS when they have one).

    The row is also the outbox: it commits with the change it tells about, and each
    outside channel is marked when sent, so a delivery that runs twice (a redelivered
    message, the periodic sweep) sends nothing twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Every outside channel sent (or none to send, or given up after MAX_ATTEMPTS).
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(
                fields=["created_at"],
                condition=models.Q(delivered_at__isnull=True),
                name="notification_undelivered",
            ),
        ]

    def __str__(self) -> str:
        return self.subject
