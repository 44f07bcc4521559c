"""A person's own data, downloadable, and erasure on request.

Each app that holds personal data has a `privacy` module with `export(user) -> dict` (what
the person can already see of themselves, as plain data) and `erase(user)` (remove their
free text, keep the rows that past years' figures count). `person_export` and
`person_erase` gather them, as `load_demo` gathers the apps' demo data."""

from __future__ import annotations

from .discovery import portal_modules


def privacy_modules():
    return portal_modules("privacy")


def person_export(user) -> dict:
    return {label: module.export(user) for label, module in privacy_modules()}


def person_erase(user) -> None:
    # The account goes last: the other apps' erasure may still need to find the person.
    modules = sorted(privacy_modules(), key=lambda m: m[0] == "directory")
    for _, module in modules:
        module.erase(user)
