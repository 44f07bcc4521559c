"""Who may book a programme, with the reason in plain words when they may not."""

from __future__ import annotations

from talentportal.directory.models import Band, Profile, StaffGroup

from .models import Programme


def _band_list(codes: list[str]) -> str:
    labels = [Band(c).label.replace("Band ", "") for c in codes]
    return ", ".join(labels[:-1]) + (" or " if len(labels) > 1 else "") + labels[-1]


def refusal_reason(*, programme: Programme, profile: Profile | None) -> str | None:
    """None if the person may book; otherwise why not, addressed to them.

    Uses `programme.eligible_sectors` and `eligible_systems` through `.all()`, so
    callers listing many programmes should prefetch them.
    """
    sectors = list(programme.eligible_sectors.all())
    systems = list(programme.eligible_systems.all())
    restricted = programme.eligible_bands or programme.eligible_staff_groups or sectors or systems
    if not restricted:
        return None
    if profile is None or not profile.is_complete:
        return (
            "Complete your profile (organisation, band and staff group) "
            "so we can check you are eligible."
        )
    if programme.eligible_bands and profile.band not in programme.eligible_bands:
        return (
            f"This programme is for band {_band_list(programme.eligible_bands)}; "
            f"your profile says {profile.get_band_display().lower()}."
        )
    groups = programme.eligible_staff_groups
    if groups and profile.staff_group not in groups:
        wanted = " or ".join(StaffGroup(g).label.lower() for g in groups)
        mine = profile.get_staff_group_display().lower()
        return f"This programme is for {wanted} staff; your profile says {mine}."
    organisation = profile.organisation
    if sectors and organisation.type_id not in {s.pk for s in sectors}:
        names = ", ".join(s.name.lower() for s in sectors)
        kind = organisation.type.name.lower()
        return f"This programme is for staff in {names}; {organisation} is {kind}."
    if systems and organisation.system_id not in {s.pk for s in systems}:
        names = ", ".join(s.name for s in systems)
        return (
            f"This programme is for staff in {names}; {organisation} is in {organisation.system}."
        )
    return None
