"""Demo data for the year in review: the team's words for this year and last, workforce
baselines and a few entered figures, so the report can be produced straight away."""

from __future__ import annotations

from django.utils import timezone

from talentportal.core.periods import financial_year

from . import selectors
from .models import EnteredFigure, YearInReview

WORDS = {
    "foreword_chair": (
        "This has been a year of growth for our academy. Staff from every one of our "
        "integrated care systems took part, and more of them than ever came from the groups "
        "our workforce most needs to hear from."
    ),
    "foreword_director": (
        "Thank you to every facilitator, coach, mentor and talent lead.\n\n"
        "- Our programmes reached **every system** in the region.\n"
        "- Our coaches and mentors gave their time freely."
    ),
    "executive_summary": (
        "We delivered leadership programmes, coaching and mentoring, and talent schemes "
        "for health and care staff across the region. The figures below come straight from "
        "the portal's records."
    ),
    "theme_new_challenges": "Board development for integrated care systems and PCNs.",
    "theme_looking_after": "Coffee-and-chat sessions and wellbeing conversations for leaders.",
    "theme_belonging": "Reverse mentoring and inclusive leadership programmes.",
    "theme_new_ways": "Virtual action learning sets across organisational boundaries.",
    "theme_growing": "The aspirant director pool, the EDP, the HPS and the GMTS.",
    "theme_long_term": "Coaching and mentoring through CoachNet and MentorNet.",
    "team": "Head of the academy\nTalent manager\nProgramme leads (3)\nCoaching coordinator",
    "looking_ahead": "Next year we will widen the talent pools and open more coaching places.",
}


def load(context: dict) -> None:
    region = selectors.default_region()
    this_year = financial_year(timezone.localdate())[0].year
    for year in (this_year - 1, this_year):
        review = YearInReview.objects.create(
            region=region,
            year=year,
            title=f"Year in review {year}/{(year + 1) % 100:02d}",
            bame_baseline=27,
            clinical_baseline=58,
            **WORDS,
        )
        for n, (name, value, source) in enumerate(
            [
                (
                    "e-learning completions: Leading change",
                    412 + 40 * (year - this_year),
                    "NHS Learning Hub",
                ),
                ("Newsletter subscribers gained", 230, "Mailing list provider"),
            ]
        ):
            EnteredFigure.objects.create(
                review=review, name=name, value=value, source=source, order=n
            )
