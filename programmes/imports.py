"""Import of past bookings from spreadsheets: `import_records bookings FILE.csv`.

Columns: session_ref,programme,workstream,starts_at,system,organisation,email,staff_group,
ethnic_category,band,status. `session_ref` groups rows into one session, created (with its
programme and workstream) if absent; people are created without a login if absent.
Re-importing the same file changes nothing: sessions are found by their reference and
bookings by (person, session).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from talentportal.core.imports import Importer, ImportResult, register
from talentportal.directory.models import (
    BAND_ORDER,
    IntegratedCareSystem,
    Organisation,
    Profile,
    Region,
    StaffGroup,
    User,
)
from talentportal.directory.services import user_create

from .models import Booking, Programme, RegisterEntry, Session, Workstream

STATUSES = {
    "attended": (Booking.Status.CONFIRMED, RegisterEntry.Attendance.ATTENDED),
    "did_not_attend": (Booking.Status.CONFIRMED, RegisterEntry.Attendance.DID_NOT_ATTEND),
    "booked": (Booking.Status.CONFIRMED, RegisterEntry.Attendance.NOT_RECORDED),
    "cancelled": (Booking.Status.CANCELLED, None),
}
BANDS = set(BAND_ORDER) | {"medical", "vsm", "other"}
ETHNIC_CODES = set("ABCDEFGHJKLMNPRSZ")
# A date without a time is taken as a morning session.
DEFAULT_START = time(9, 30)
DEFAULT_LENGTH = timedelta(hours=3)


@dataclass
class BookingRow:
    row: int
    session_ref: str
    programme: str
    workstream: str
    starts_at: datetime
    system: IntegratedCareSystem
    organisation: Organisation | None
    email: str
    staff_group: str
    ethnic_category: str
    band: str
    status: str


def _parse_start(value: str) -> datetime | None:
    try:
        if "T" in value or " " in value.strip():
            parsed = datetime.fromisoformat(value.strip())
        else:
            parsed = datetime.combine(date.fromisoformat(value.strip()), DEFAULT_START)
    except ValueError:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)  # UK local time (TIME_ZONE)
    return parsed


@register
class BookingImporter(Importer):
    kind = "bookings"
    columns = (
        "session_ref", "programme", "workstream", "starts_at", "system", "organisation",
        "email", "staff_group", "ethnic_category", "band", "status",
    )  # fmt: skip
    description = (
        "session_ref groups rows into one session; starts_at is a UK local date or date and "
        "time (2022-06-14 or 2022-06-14T10:00); system is an integrated care system's exact "
        "name; organisation is optional; staff_group is clinical, non_clinical or blank; "
        "ethnic_category is an NHS code A to S, or Z (blank means Z); band is like 5, 8a, "
        "medical, vsm or other; status is attended, did_not_attend, cancelled or booked."
    )

    def validate(self, rows):
        systems = {s.name.lower(): s for s in IntegratedCareSystem.objects.all()}
        organisations = {
            (o.lname, o.system_id): o for o in Organisation.objects.annotate(lname=Lower("name"))
        }
        sessions = {
            s.reference: s
            for s in Session.objects.exclude(reference="").select_related("programme")
        }
        # People already booked on those sessions through the portal (not by an import).
        portal_bookings = {
            (session_id, email.lower()): True
            for session_id, email in Booking.objects.filter(
                session__in=sessions.values(), source=Booking.Source.PORTAL
            ).values_list("session_id", "person__email")
        }
        first_of_ref: dict[str, BookingRow] = {}
        seen: dict[tuple[str, str], int] = {}
        items = []
        for number, v in rows:
            errors_before = len(self.errors)
            ref = v["session_ref"]
            if not ref:
                self.error(number, "session_ref", "is required")
            elif len(ref) > 100:
                self.error(number, "session_ref", "is longer than 100 characters")
            if not v["programme"]:
                self.error(number, "programme", "is required")
            elif len(v["programme"]) > 200:
                self.error(number, "programme", "is longer than 200 characters")
            if not v["workstream"]:
                self.error(number, "workstream", "is required")
            elif len(v["workstream"]) > 120:
                self.error(number, "workstream", "is longer than 120 characters")
            starts_at = _parse_start(v["starts_at"])
            if starts_at is not None and not (1990 <= starts_at.year <= 2100):
                starts_at = None
            if starts_at is None:
                self.error(number, "starts_at", f"'{v['starts_at']}' is not a date (YYYY-MM-DD)")
            system = systems.get(v["system"].lower())
            if system is None:
                self.error(number, "system", f"'{v['system']}' is not an integrated care system")
            organisation = None
            if v["organisation"] and system is not None:
                organisation = organisations.get((v["organisation"].lower(), system.pk))
                if organisation is None:
                    self.error(
                        number,
                        "organisation",
                        f"'{v['organisation']}' is not an organisation in {system}",
                    )
            email = v["email"].lower()
            try:
                validate_email(email)
                if len(email) > 254:
                    raise ValidationError("too long")
            except ValidationError:
                self.error(number, "email", f"'{v['email']}' is not an email address")
            if v["staff_group"] not in ("", *StaffGroup.values):
                self.error(number, "staff_group", "must be clinical, non_clinical or blank")
            ethnic = v["ethnic_category"].upper() or "Z"
            if ethnic not in ETHNIC_CODES:
                self.error(
                    number,
                    "ethnic_category",
                    f"'{v['ethnic_category']}' is not an NHS code A to S or Z",
                )
            band = v["band"].lower()
            if band and band not in BANDS:
                self.error(
                    number,
                    "band",
                    f"'{v['band']}' is not a band (1 to 9, 8a to 8d, medical, vsm, other)",
                )
            if v["status"] not in STATUSES:
                self.error(
                    number, "status", "must be attended, did_not_attend, cancelled or booked"
                )
            if len(self.errors) > errors_before:
                continue
            item = BookingRow(
                number, ref, v["programme"], v["workstream"], starts_at, system,
                organisation, email, v["staff_group"], ethnic, band, v["status"],
            )  # fmt: skip
            first = first_of_ref.setdefault(ref, item)
            existing = sessions.get(ref)
            if first.starts_at != starts_at or first.programme.lower() != item.programme.lower():
                self.error(
                    number,
                    "session_ref",
                    f"'{ref}' has another programme or start in row {first.row}",
                )
                continue
            if existing and (
                existing.programme.title.lower() != item.programme.lower()
                or existing.starts_at != starts_at
            ):
                self.error(
                    number,
                    "session_ref",
                    f"'{ref}' is already a session of {existing.programme} on "
                    f"{timezone.localtime(existing.starts_at):%Y-%m-%d %H:%M}",
                )
                continue
            key = (ref, email)
            if key in seen:
                self.error(number, "email", f"repeats row {seen[key]} for the same session")
                continue
            if existing and portal_bookings.get((existing.pk, email)):
                self.error(number, "email", "already has a booking on this session in the portal")
                continue
            seen[key] = number
            items.append(item)
        return items

    def preview_row(self, item: BookingRow) -> dict:
        return {
            "row": item.row,
            "session": item.session_ref,
            "programme": item.programme,
            "starts": f"{timezone.localtime(item.starts_at):%Y-%m-%d %H:%M}",
            "email": item.email,
            "status": item.status,
        }

    def write(self, items: list[BookingRow], result: ImportResult) -> None:
        now = timezone.now()
        region = Region.objects.get(name=settings.PORTAL_REGION)
        workstreams = {w.name.lower(): w for w in Workstream.objects.all()}
        programmes = {p.title.lower(): p for p in Programme.objects.all()}
        sessions = {s.reference: s for s in Session.objects.exclude(reference="")}
        people = {
            u.email.lower(): u for u in User.objects.filter(email__in={i.email for i in items})
        }
        sizes = {}
        for item in items:
            sizes[item.session_ref] = sizes.get(item.session_ref, 0) + 1
        touched: set[int] = set()
        for item in items:
            session = sessions.get(item.session_ref)
            if session is None:
                workstream = workstreams.get(item.workstream.lower())
                if workstream is None:
                    workstream = Workstream.objects.create(name=item.workstream)
                    workstreams[workstream.name.lower()] = workstream
                programme = programmes.get(item.programme.lower())
                if programme is None:
                    programme = Programme.objects.create(
                        title=item.programme,
                        slug=_unique_slug(item.programme),
                        summary="Imported from past records.",
                        workstream=workstream,
                        people_plan_theme="growing",
                        format="workshop",
                        delivery="virtual",
                        region=region,
                        published=False,
                    )
                    programmes[programme.title.lower()] = programme
                session = Session.objects.create(
                    programme=programme,
                    reference=item.session_ref,
                    starts_at=item.starts_at,
                    ends_at=item.starts_at + DEFAULT_LENGTH,
                    capacity=sizes[item.session_ref],
                    status=Session.Status.DELIVERED
                    if item.starts_at < now
                    else Session.Status.SCHEDULED,
                )
                sessions[item.session_ref] = session
            person = people.get(item.email)
            if person is None:
                person = user_create(email=item.email)
                people[item.email] = person
                Profile.objects.filter(user=person).update(
                    organisation=item.organisation, band=item.band, staff_group=item.staff_group
                )
            status, attendance = STATUSES[item.status]
            snapshot = {
                "system": item.system,
                "organisation": item.organisation,
                "band": item.band,
                "staff_group": item.staff_group,
                "ethnic_category": item.ethnic_category,
            }
            booking = Booking.objects.filter(
                person=person, session=session, source=Booking.Source.IMPORT
            ).first()
            if booking is None:
                booking = Booking.objects.create(
                    person=person,
                    session=session,
                    status=status,
                    source=Booking.Source.IMPORT,
                    created_at=item.starts_at,
                    # A cancelled past booking had held a place too.
                    confirmed_at=item.starts_at,
                    cancelled_at=item.starts_at if status == Booking.Status.CANCELLED else None,
                    **snapshot,
                )
                result.created += 1
                changed = True
            else:
                fields = {
                    "status": status,
                    "confirmed_at": item.starts_at,
                    "cancelled_at": item.starts_at if status == Booking.Status.CANCELLED else None,
                    **snapshot,
                }
                changed = any(getattr(booking, k) != v for k, v in fields.items())
                if changed:
                    for k, v in fields.items():
                        setattr(booking, k, v)
                    booking.save()
                    result.updated += 1
            entry = RegisterEntry.objects.filter(booking=booking, session=session).first()
            if status == Booking.Status.CONFIRMED:
                if entry is None:
                    RegisterEntry.objects.create(
                        booking=booking, session=session, attendance=attendance,
                        recorded_at=now if attendance else None,
                    )  # fmt: skip
                    changed = True
                elif entry.attendance != attendance:
                    entry.attendance = attendance
                    entry.recorded_at = now if attendance else None
                    entry.save(update_fields=["attendance", "recorded_at"])
                    if not changed:
                        result.updated += 1
                    changed = True
            elif entry is not None:
                entry.delete()
            if not changed:
                result.unchanged += 1
            touched.add(session.pk)
        # Recount places from the rows (under the sessions' locks), never by arithmetic.
        list(Session.objects.select_for_update().filter(pk__in=touched).order_by("pk"))
        counts = (
            Session.objects.filter(pk__in=touched)
            .annotate(n=Count("bookings", filter=Q(bookings__status__in=Booking.HOLDING)))
            .values_list("pk", "n", "capacity")
        )
        for pk, n, capacity in counts:
            Session.objects.filter(pk=pk).update(taken=n, capacity=max(capacity, n))


def _unique_slug(title: str) -> str:
    base = slugify(title)[:200] or "programme"
    slug, n = base, 1
    while Programme.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
