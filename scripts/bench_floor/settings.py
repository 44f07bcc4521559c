"""Production settings, with the floor view's URL added (bench only)."""

from talentportal.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench_floor.urls"
