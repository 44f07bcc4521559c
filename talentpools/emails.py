"""Talent emails: written to the outbox in the caller's transaction and sent by Celery after
commit. They never carry the evidence statement, feedback detail or any equality data."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from talentportal.core.links import absolute_url

from .models import Nomination, Vacancy, VacancyInterest


def _send(to, template: str, subject: str, **context) -> None:
    body = render_to_string(f"talentpools/email/{template}.txt", {"to": to, **context})
    EmailMessage(subject, body, to=[to.email]).send()


def nomination_received(nomination: Nomination) -> None:
    if nomination.route == "nominated":
        _send(
            nomination.nominee,
            "nomination_received",
            "You have been nominated for the aspirant director pool",
            nomination=nomination,
            url=absolute_url("talentpools:home"),
        )


def nomination_decided(nomination: Nomination) -> None:
    _send(
        nomination.nominee,
        "nomination_decided",
        "Your aspirant director pool nomination",
        nomination=nomination,
        url=absolute_url("talentpools:home"),
    )
    if nomination.nominated_by_id and nomination.nominated_by_id != nomination.nominee_id:
        _send(
            nomination.nominated_by,
            "nomination_decided_nominator",
            f"Your nomination of {nomination.nominee}",
            nomination=nomination,
            url=absolute_url("talentpools:nomination", pk=nomination.pk),
        )


def vacancy_posted(vacancy: Vacancy, member) -> None:
    _send(
        member,
        "vacancy_posted",
        f"Director vacancy: {vacancy.title}",
        vacancy=vacancy,
        url=absolute_url("talentpools:home"),
    )


def vacancy_interest(interest: VacancyInterest) -> None:
    if interest.vacancy.posted_by is not None:
        _send(
            interest.vacancy.posted_by,
            "vacancy_interest",
            f"Interest in {interest.vacancy.title}",
            interest=interest,
            url=absolute_url("talentpools:vacancy", pk=interest.vacancy.pk),
        )
