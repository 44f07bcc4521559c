"""Coaching emails: written to the outbox in the caller's transaction, sent by Celery after
commit. They never carry what the pair wrote to each other, nor any equality data."""

from __future__ import annotations

from datetime import date

from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from talentportal.core.links import absolute_url

from .models import Application, Practitioner, Relationship


def _send(to, template: str, subject: str, **context) -> None:
    body = render_to_string(f"coaching/email/{template}.txt", context)
    EmailMessage(subject, body, to=[to.email]).send()


def practitioner_decided(practitioner: Practitioner) -> None:
    _send(
        practitioner.user,
        "practitioner_decided",
        f"Your {practitioner.kind_label.lower()} registration",
        practitioner=practitioner,
        url=absolute_url("coaching:home"),
    )


def supervision_due(practitioner: Practitioner, due: date) -> None:
    _send(
        practitioner.user,
        "supervision_due",
        "Your supervision is due for renewal",
        practitioner=practitioner,
        due=due,
        url=absolute_url("coaching:practitioner_profile"),
    )


def application_decided(application: Application) -> None:
    _send(
        application.client,
        "application_decided",
        f"Your {application.get_kind_display().lower()} application",
        application=application,
        url=absolute_url("coaching:home"),
    )


def relationship_requested(relationship: Relationship) -> None:
    _send(
        relationship.practitioner.user,
        "relationship_requested",
        f"New {relationship.get_kind_display().lower()} request",
        relationship=relationship,
        url=absolute_url("coaching:relationship", pk=relationship.pk),
    )


def relationship_answered(relationship: Relationship) -> None:
    _send(
        relationship.client,
        "relationship_answered",
        f"Your {relationship.get_kind_display().lower()} request",
        relationship=relationship,
        url=absolute_url("coaching:home"),
    )


def message_waiting(relationship: Relationship, recipient) -> None:
    _send(
        recipient,
        "message_waiting",
        "You have a new message in CoachNet"
        if relationship.kind == "coaching"
        else "You have a new message in MentorNet",
        relationship=relationship,
        url=absolute_url("coaching:relationship", pk=relationship.pk),
    )


def evaluation_invites(relationship: Relationship) -> None:
    for person in (relationship.client, relationship.practitioner.user):
        _send(
            person,
            "evaluation_invite",
            f"How did your {relationship.get_kind_display().lower()} go?",
            relationship=relationship,
            url=absolute_url("coaching:relationship", pk=relationship.pk),
        )


def relationship_quiet(relationship: Relationship) -> None:
    for person in (relationship.client, relationship.practitioner.user):
        _send(
            person,
            "relationship_quiet",
            f"Is your {relationship.get_kind_display().lower()} still going?",
            relationship=relationship,
            url=absolute_url("coaching:relationship", pk=relationship.pk),
        )
