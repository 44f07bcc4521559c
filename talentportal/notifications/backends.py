from django.core.mail.backends.base import BaseEmailBackend

from .services import email_queue


class OutboxBackend(BaseEmailBackend):
    """Django's EMAIL_BACKEND: every send_mail in the portal (allauth's included)
    lands in the outbox table and is delivered by Celery after commit."""

    def send_messages(self, email_messages):
        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            email_queue(message=message)
            count += 1
        return count
