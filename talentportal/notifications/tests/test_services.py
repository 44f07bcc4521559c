from datetime import timedelta
from smtplib import SMTPRecipientsRefused

from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from talentportal.notifications.models import OutboundEmail
from talentportal.notifications.services import (
    MAX_ATTEMPTS,
    email_deliver,
    email_due_ids,
    email_prune,
)
from talentportal.notifications.tasks import email_sweep_task


def test_send_mail_goes_through_the_outbox_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_mail("Your booking", "See you there.", None, ["ada@nhs.example"])
        assert mail.outbox == []  # nothing leaves before the transaction commits
    assert len(callbacks) == 1
    assert [m.subject for m in mail.outbox] == ["Your booking"]
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.SENT
    assert email.recipients == ["ada@nhs.example"]


def test_html_alternatives_and_attachments_survive_the_outbox(
    db, django_capture_on_commit_callbacks
):
    message = EmailMultiAlternatives("Invite", "Plain", "a@nhs.example", ["b@nhs.example"])
    message.attach_alternative("<p>Rich</p>", "text/html")
    message.attach("invite.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    message.attach("notes.txt", "plain text", "text/plain")
    message.attach("logo.png", b"\x89PNG\r\n\x1a\n\x00", "image/png")
    original = [tuple(a) for a in message.attachments]
    with django_capture_on_commit_callbacks(execute=True):
        message.send()
    [sent] = mail.outbox
    assert sent.alternatives[0][0] == "<p>Rich</p>"
    assert [tuple(a) for a in sent.attachments] == original
    assert original[2][1] == b"\x89PNG\r\n\x1a\n\x00"


def test_delivering_twice_sends_once(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Once", "Only once.", None, ["ada@nhs.example"])
    email = OutboundEmail.objects.get()
    assert email_deliver(email_id=email.pk) is False
    assert len(mail.outbox) == 1


def test_an_unreachable_mail_server_means_a_retry_later_with_backoff(db, settings):
    settings.NOTIFICATIONS_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # nothing listens on the discard port
    send_mail("Retry me", "Body", None, ["ada@nhs.example"])  # not dispatched: no commit here
    email = OutboundEmail.objects.get()
    now = timezone.now()
    assert email_deliver(email_id=email.pk, now=now) is False
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert email.attempts == 1
    assert email.last_error.startswith("ConnectionRefusedError")
    assert email.next_attempt_at == now + timedelta(minutes=1)
    # The sweep leaves it alone until the retry is due, then picks it up.
    assert email_due_ids(now=now + timedelta(seconds=30)) == []
    assert email_due_ids(now=now + timedelta(minutes=2)) == [email.pk]
    email_deliver(email_id=email.pk, now=now + timedelta(minutes=2))
    email.refresh_from_db()
    assert email.next_attempt_at == now + timedelta(minutes=4)


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise SMTPRecipientsRefused({"ada@nhs.example": (550, b"No such user")})


def test_a_permanent_refusal_fails_at_once(db, settings):
    settings.NOTIFICATIONS_DELIVERY_BACKEND = f"{__name__}.RefusingBackend"
    send_mail("Nobody home", "Body", None, ["ada@nhs.example"])
    email = OutboundEmail.objects.get()
    assert email_deliver(email_id=email.pk) is False
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert "SMTPRecipientsRefused" in email.last_error
    assert email_due_ids(now=timezone.now() + timedelta(days=1)) == []


def test_the_last_attempt_marks_the_message_failed(db, settings):
    settings.NOTIFICATIONS_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    send_mail("Hopeless", "Body", None, ["ada@nhs.example"])
    email = OutboundEmail.objects.get()
    OutboundEmail.objects.filter(pk=email.pk).update(attempts=MAX_ATTEMPTS - 1)
    email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.FAILED, MAX_ATTEMPTS)


def test_the_sweep_sends_messages_whose_dispatch_was_lost(db):
    send_mail("Lost", "Body", None, ["ada@nhs.example"])  # on_commit never runs in this test
    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert email_sweep_task() == 1
    assert [m.subject for m in mail.outbox] == ["Lost"]
    assert email_sweep_task() == 0


def test_sent_messages_are_pruned_after_a_month(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Old", "Body", None, ["ada@nhs.example"])
    send_mail("Never sent", "Body", None, ["ada@nhs.example"])  # pending
    send_mail("Recent", "Body", None, ["ada@nhs.example"])
    old = timezone.now() - timedelta(days=40)
    OutboundEmail.objects.exclude(subject="Recent").update(created_at=old)
    assert email_prune(older_than=timedelta(days=30)) == 2
    assert list(OutboundEmail.objects.values_list("subject", flat=True)) == ["Recent"]
