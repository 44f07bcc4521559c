"""Directory emails, written to the outbox in the caller's transaction (sent after commit)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from talentportal.core.links import absolute_url

from .models import RoleAssignment


def role_granted(assignment: RoleAssignment) -> None:
    """A staff role was granted: the person hears what they can now do and who decided, so
    a grant nobody expected is noticed by the one person sure to notice it."""
    body = render_to_string(
        "directory/email/role_granted.txt",
        {
            "assignment": assignment,
            "to": assignment.user,
            "by": assignment.granted_by,
            "portal": settings.PORTAL_NAME,
            "url": absolute_url("directory:dashboard"),
        },
    )
    subject = f"Your new role in the {settings.PORTAL_NAME} portal: {assignment.get_role_display()}"
    EmailMessage(subject, body, to=[assignment.user.email]).send()
