from django.db import models


class OutboundEmail(models.Model):
    """One message in the outbox. Delivery is by Celery; the row makes it durable.

    If Redis is down when the message is queued, the sweep task sends it later;
    the row's status makes delivery idempotent, so a retry never sends twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    subject = models.CharField(max_length=998)
    recipients = models.JSONField()
    payload = models.JSONField(help_text="The serialised EmailMessage.")
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When a failed delivery is tried again."
    )
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "created_at"],
                name="outbound_email_due",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return self.subject
