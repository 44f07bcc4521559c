"""EmailMessage <-> JSON, so a message can wait in the outbox table."""

from __future__ import annotations

import base64
from email.mime.base import MIMEBase

from django.core.mail import EmailMessage, EmailMultiAlternatives


def message_to_payload(message: EmailMessage) -> dict:
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            raise ValueError("MIME attachments are not supported; attach (name, content, type).")
        filename, content, mimetype = attachment
        if isinstance(content, bytes):
            attachments.append(
                {
                    "filename": filename,
                    "b64": base64.b64encode(content).decode(),
                    "mimetype": mimetype,
                }
            )
        else:
            attachments.append({"filename": filename, "text": content, "mimetype": mimetype})
    alternatives = [
        {"content": content, "mimetype": mimetype}
        for content, mimetype in getattr(message, "alternatives", [])
    ]
    return {
        "subject": message.subject,
        "body": message.body,
        "content_subtype": message.content_subtype,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": alternatives,
        "attachments": attachments,
    }


def payload_to_message(payload: dict, connection=None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload["cc"],
        bcc=payload["bcc"],
        reply_to=payload["reply_to"],
        headers=payload["headers"],
        connection=connection,
    )
    message.content_subtype = payload.get("content_subtype", "plain")
    for alt in payload["alternatives"]:
        message.attach_alternative(alt["content"], alt["mimetype"])
    for att in payload["attachments"]:
        content = base64.b64decode(att["b64"]) if "b64" in att else att["text"]
        message.attach(att["filename"], content, att["mimetype"])
    return message
