"""Generated national-scale data for load tests and benchmarks.

`generate()` fills the database with years of regions, systems, organisations, people,
programmes, sessions, bookings, registers, evaluations, coaching and talent pool records,
shaped like the demo data but at national scale (10 million bookings in a few minutes).

How it is fast:
- Everything is planned with numpy (a seeded generator) at the level of sessions and
  cohorts; rows are then produced in chunks as whole columns: no model instance, no per-row
  logic. Bookings, register entries and evaluations go in PostgreSQL's binary COPY format
  (built as numpy blocks: nothing to format here, no text or times to parse there); the
  smaller tables as COPY text, from lookup tables of ready-made strings.
- A producer thread builds the chunks while the main thread streams them to PostgreSQL with
  COPY, so Python and the database each keep one core busy.
- One transaction: the loaded tables' foreign keys, unique constraints and secondary indexes
  are dropped first and recreated (and validated) at the end; empty tables are truncated
  in the transaction so COPY can FREEZE them (no hint-bit rewrites, index-only scans at once).
  Primary keys and CHECK constraints stay. Ids are set explicitly, sequences moved after.
- pghistory's insert triggers (relationships, nominations, pool memberships, role grants)
  are skipped with `pgtrigger.ignore`: generated rows have no history.

The invariants the portal relies on hold: `taken` on sessions, cohorts and allocations is
the number of bookings holding a place (confirmed or offered) and never above capacity; one
active booking per person and session or cohort; register entries exist for every booking
that was ever confirmed, one per session it covers (as `programmes.services` writes them:
made on confirmation, kept on cancellation), with attendance only on confirmed bookings of
past sessions.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pgtrigger
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from coaching.models import Theme
from programmes.models import Workstream
from talentportal.directory.demo import FIRST_NAMES, LAST_NAMES
from talentportal.directory.demo import ORGANISATIONS as DEMO_ORGANISATIONS
from talentportal.directory.models import (
    IntegratedCareSystem,
    Organisation,
    OrganisationType,
    Region,
)

LONDON = ZoneInfo("Europe/London")
DAY = 86_400
HOUR = 3_600
NULL = "\\N"
EPOCH = date(1970, 1, 1)

# Midlands first (the portal's first region), then the others.
REGIONS = {
    "Midlands": list(DEMO_ORGANISATIONS),
    "East of England": [
        "Bedfordshire, Luton and Milton Keynes",
        "Cambridgeshire and Peterborough",
        "Hertfordshire and West Essex",
        "Mid and South Essex",
        "Norfolk and Waveney",
        "Suffolk and North East Essex",
    ],
    "London": [
        "North Central London",
        "North East London",
        "North West London",
        "South East London",
        "South West London",
    ],
    "North East and Yorkshire": [
        "Humber and North Yorkshire",
        "North East and North Cumbria",
        "South Yorkshire",
        "West Yorkshire",
    ],
    "North West": [
        "Cheshire and Merseyside",
        "Greater Manchester",
        "Lancashire and South Cumbria",
    ],
    "South East": [
        "Buckinghamshire, Oxfordshire and Berkshire West",
        "Frimley",
        "Hampshire and Isle of Wight",
        "Kent and Medway",
        "Surrey Heartlands",
        "Sussex",
    ],
    "South West": [
        "Bath and North East Somerset, Swindon and Wiltshire",
        "Bristol, North Somerset and South Gloucestershire",
        "Cornwall and the Isles of Scilly",
        "Devon",
        "Dorset",
        "Gloucestershire",
        "Somerset",
    ],
}
ORGANISATIONS_PER_SYSTEM = 8
ORGANISATION_TEMPLATES = [
    ("{s} Hospitals NHS Foundation Trust", "acute_trust"),
    ("NHS {s} Integrated Care Board", "integrated_care_board"),
    ("{s} Partnership NHS Foundation Trust", "mental_health_trust"),
    ("{s} Community Health Services NHS Trust", "community_trust"),
    ("{s} Primary Care Networks", "primary_care"),
    ("{s} Council", "local_authority"),
    ("{s} University Hospitals NHS Trust", "acute_trust"),
    ("{s} Care Providers Alliance", "social_care_provider"),
    ("{s} Voluntary Sector Partnership", "voluntary_sector"),
]
# How many of a system's staff each type of organisation employs (relative).
STAFF_BY_TYPE = {
    "acute_trust": 30,
    "mental_health_trust": 14,
    "community_trust": 12,
    "ambulance_trust": 10,
    "integrated_care_board": 6,
    "primary_care": 12,
    "local_authority": 6,
    "social_care_provider": 5,
    "voluntary_sector": 2,
    "higher_education": 2,
    "other": 1,
}
WORKSTREAMS = [
    "Board and In-place ICS Systems",
    "PCN Development",
    "Leadership Development",
    "GMTS",
    "Coaching and Mentoring",
    "Equality, Diversity and Inclusion",
]
BD, PCN, LD, GMTS, CM, EDI = range(6)

# topic, workstream, People Plan theme, formats it comes in, who may book it
TOPICS = [
    ("Compassionate Leadership", LD, "looking_after", "workshop multi_module series_bundle", ""),
    ("Leading Across Systems", BD, "new_ways", "masterclass development_centre", "senior"),
    ("Board Development", BD, "new_ways", "masterclass action_learning_set", "senior"),
    ("Aspiring Directors", BD, "growing", "multi_module development_centre", "senior"),
    ("Integrated Care Partnerships", BD, "new_ways", "masterclass webinar", ""),
    ("PCN Clinical Directors' Development", PCN, "new_ways", "multi_module", "primary"),
    ("Leading in Primary Care", PCN, "new_ways", "workshop action_learning_set", "primary"),
    ("PCN Managers' Network", PCN, "new_ways", "drop_in webinar", "primary"),
    ("New to Management", LD, "growing", "drop_in workshop multi_module", ""),
    ("Leading Through Change", LD, "new_challenges", "workshop masterclass", ""),
    ("Resilient Teams", LD, "looking_after", "series_bundle workshop", ""),
    ("Courageous Conversations", LD, "belonging", "workshop", ""),
    ("Quality Improvement for Leaders", LD, "new_ways", "multi_module workshop", ""),
    ("Population Health Management", LD, "new_ways", "webinar masterclass", ""),
    ("Finance for Non-Finance Managers", LD, "growing", "workshop e_learning", ""),
    ("Digital Leadership", LD, "new_ways", "webinar masterclass e_learning", ""),
    ("Clinical Leadership", LD, "long_term", "multi_module action_learning_set", "clinical"),
    ("Mary Seacole", LD, "growing", "multi_module", ""),
    ("Rosalind Franklin", LD, "growing", "multi_module", ""),
    ("Edward Jenner", LD, "growing", "e_learning webinar", ""),
    ("Influencing and Negotiating", LD, "new_challenges", "workshop", ""),
    ("Strategic Thinking", LD, "long_term", "masterclass workshop", ""),
    ("Leading Virtual Teams", LD, "new_ways", "webinar workshop", ""),
    ("Project Management Essentials", LD, "new_ways", "workshop e_learning", ""),
    ("Wellbeing Conversations", LD, "looking_after", "workshop drop_in", ""),
    ("Civility and Respect", EDI, "belonging", "workshop webinar", ""),
    ("Reverse Mentoring for Inclusion", EDI, "belonging", "action_learning_set", ""),
    ("Inclusive Recruitment", EDI, "belonging", "workshop e_learning", ""),
    ("Allyship", EDI, "belonging", "webinar workshop", ""),
    ("Stepping Up", EDI, "belonging", "multi_module development_centre", ""),
    ("Ready Now", EDI, "belonging", "development_centre action_learning_set", "senior"),
    ("Introduction to Coaching Conversations", CM, "looking_after", "webinar workshop", ""),
    ("Coaching Skills for Managers", CM, "looking_after", "multi_module workshop", ""),
    ("Mentoring Skills", CM, "looking_after", "workshop webinar", ""),
    ("Coaching Supervision", CM, "long_term", "action_learning_set", ""),
    ("GMTS Trainee Induction", GMTS, "growing", "development_centre", ""),
    ("GMTS Placement Managers' Briefing", GMTS, "growing", "webinar", ""),
    ("GMTS Leadership Days", GMTS, "growing", "workshop development_centre", ""),
]
FORMAT_WORDS = {
    "workshop": "Workshop",
    "masterclass": "Masterclass",
    "multi_module": "Programme",
    "series_bundle": "Series",
    "webinar": "Webinar",
    "drop_in": "Coffee and Chat",
    "action_learning_set": "Action Learning Set",
    "development_centre": "Development Centre",
    "e_learning": "E-learning",
}
# format: (capacity from, to, hours long, cohort sessions from, to or None, weeks apart)
FORMATS = {
    "workshop": (20, 40, 3.0, None),
    "masterclass": (30, 60, 2.0, None),
    "webinar": (40, 60, 1.0, None),
    "drop_in": (10, 30, 1.0, None),
    "series_bundle": (20, 35, 2.5, None),
    "multi_module": (16, 30, 3.0, (4, 6, 3)),
    "action_learning_set": (10, 14, 3.0, (4, 6, 4)),
    "development_centre": (12, 24, 7.0, (3, 4, 2)),
    "e_learning": (0, 0, 0.0, None),
}
FORMAT_NAMES = list(FORMATS)
START_TIMES = [9 * HOUR, 9 * HOUR + 1800, 10 * HOUR, 13 * HOUR, 13 * HOUR + 1800, 14 * HOUR]
PROVIDERS = ["Academy team", "NHS Leadership Academy", "The King's Fund", "Local provider"]
MODULE_TITLES = [
    "Knowing yourself",
    "Leading a team",
    "Finance and contracts",
    "Population health",
    "Workforce planning",
    "Quality improvement",
]
BANDS = [
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8a",
    "8b",
    "8c",
    "8d",
    "9",
    "medical",
    "vsm",
    "other",
    "",
]
SENIOR_BANDS = ["8a", "8b", "8c", "8d", "9", "vsm"]
BAND_WEIGHTS = {
    # index into BANDS -> weight, per staff group (clinical, non-clinical, not stated)
    "clinical": {2: 2, 3: 4, 4: 24, 5: 25, 6: 20, 7: 9, 8: 4, 9: 2, 10: 1, 11: 0.5, 12: 7, 13: 0.5},
    "non_clinical": {
        1: 3,
        2: 10,
        3: 15,
        4: 15,
        5: 15,
        6: 15,
        7: 12,
        8: 7,
        9: 4,
        10: 2,
        11: 1,
        13: 1,
    },
    "": {4: 20, 5: 20, 6: 20, 7: 10, 14: 10, 15: 20},
}
STAFF_GROUPS = ["clinical", "non_clinical", ""]
PROFESSIONS = {
    "clinical": [
        "nursing_midwifery",
        "nursing_midwifery",
        "medical_dental",
        "allied_health",
        "healthcare_science",
        "pharmacy",
        "psychology",
        "ambulance",
    ],
    "non_clinical": ["management", "admin_clerical", "finance", "people_hr", "estates", "digital"],
    "": ["", "other"],
}
JOB_TITLES = {
    "clinical": ["Staff Nurse", "Ward Manager", "Matron", "Physiotherapist", "Paramedic",
                 "Consultant Physician", "Clinical Nurse Specialist", "Pharmacist", "Midwife"],
    "non_clinical": ["Project Manager", "HR Business Partner", "Finance Manager",
                     "Service Manager", "Data Analyst", "Team Administrator", "Estates Manager"],
    "": ["", "Manager"],
}  # fmt: skip
ETHNIC = list("ABCDEFGHJKLMNPRSZ")
# ~75% White (A-C), ~20% Black, Asian and minority ethnic (D-S), ~5% not stated
ETHNIC_WEIGHTS = [68, 2, 7, 1, 1, 1, 1, 5, 2, 1, 2, 1.5, 3, 0.5, 0.5, 0.5, 2]
# London's workforce is about half from Black, Asian and minority ethnic groups.
LONDON_ETHNIC_WEIGHTS = [38, 2, 10, 2, 2, 2, 2, 9, 3, 3, 4, 4, 11, 1, 1, 3, 2]
SEXES = ["female", "male", "not_stated"]
DISABILITIES = ["no", "yes", "not_stated"]
BOOKING_STATUSES = [
    # by category, for a target that went ahead / that the organiser cancelled
    ("confirmed", "organiser_cancelled"),
    ("cancelled", "cancelled"),
    ("offered", "organiser_cancelled"),
    ("expired", "expired"),
    ("removed", "removed"),
    ("cancelled", "cancelled"),
    ("waitlisted", "organiser_cancelled"),
]
HOLD, CANCEL, OFFER, EXPIRE, REMOVE, QUEUE_CANCEL, WAIT = range(7)
STATUS_LUT = [status for pair in BOOKING_STATUSES for status in pair]  # category * 2 + off
QUOTES = [
    "It gave me the confidence to have the difficult conversation I had been putting off.",
    "The best use of a morning this year: practical, kind and honest.",
    "I met colleagues from three other trusts facing exactly the same problems.",
    "I now start every team meeting with a check-in, and it has changed the tone.",
    "Useful, though I would have liked more time in small groups.",
    "Made me think about how I show up for my team on a bad day.",
    "Clear, practical and I have already used the tools twice.",
    "Hearing from a system leader about what really happens at board was eye-opening.",
]
LEAVE_REASONS = ["appointed", "withdrew", "other"]
ROLE_FAMILIES = ["chief_executive", "nursing", "medical", "operations", "finance", "workforce"]
SPECIALISMS = ["general_management", "human_resources", "health_informatics", "finance"]

BOOKINGS_PER_PERSON = 13
BOOKINGS_PER_RELATIONSHIP = 50
BOOKINGS_PER_PRACTITIONER = 2_000
CHUNK_BOOKINGS = 400_000
STRIDES = np.array([7_919, 104_729, 1_299_709, 15_485_863, 32_452_843, 49_979_687])


def _days(d: date) -> int:
    return (d - EPOCH).days


def _secs(dt: datetime) -> int:
    return int(dt.timestamp())


def _fy_start(year: int) -> date:
    return date(year, 4, 1)


def _choice(rng, n: int, weights) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def _between(rng, lo, hi, size=None) -> np.ndarray:
    """Uniform integers in [lo, hi] (arrays or scalars)."""
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    shape = np.broadcast(lo, hi).shape if size is None else size
    return lo + (rng.random(shape) * (hi - lo + 1)).astype(np.int64)


def _ranks(groups: np.ndarray) -> np.ndarray:
    """For a sorted array of group keys, each item's position within its group (0, 1, ...)."""
    n = len(groups)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    lengths = np.diff(np.r_[starts, n])
    return np.arange(n) - np.repeat(starts, lengths)


def _take(values: np.ndarray, index: np.ndarray, default=-1) -> np.ndarray:
    """values[index], with `default` where the index is negative (also when values is empty)."""
    if len(values) == 0:
        return np.full(len(index), default, dtype=np.asarray(values).dtype)
    return np.where(index >= 0, values[np.maximum(index, 0)], default)


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner index, index within owner) for `counts[i]` items of each owner i."""
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return owner, np.arange(len(owner)) - starts[owner]


# COPY text --------------------------------------------------------------------------------


class _Text:
    """Columns to PostgreSQL COPY text, through lookup tables of ready-made strings."""

    def __init__(self, first_day: int, last_day: int, max_int: int):
        self.day0 = first_day
        days = np.arange(first_day, last_day + 1).astype("datetime64[D]")
        self.dates = np.array([*np.datetime_as_string(days).tolist(), NULL], dtype=object)
        self.days = np.array([d + " " for d in self.dates[:-1]] + [NULL], dtype=object)
        times = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00" for s in range(DAY)]
        self.times = np.array([*times, ""], dtype=object)
        self.ints = np.array([NULL, *map(str, range(max_int + 1))], dtype=object)
        self.bools = np.array(["f", "t"], dtype=object)

    def stamps(self, secs: np.ndarray) -> list[str]:
        """Epoch seconds (negative: NULL) as timestamptz text in UTC."""
        null = secs < 0
        day = np.where(null, len(self.days) - 1, secs // DAY - self.day0)
        tod = np.where(null, DAY, secs % DAY)
        return list(map(str.__add__, self.days[day].tolist(), self.times[tod].tolist()))

    def dates_(self, days: np.ndarray) -> list[str]:
        """Epoch days (negative: NULL) as dates."""
        return self.dates[np.where(days < 0, len(self.dates) - 1, days - self.day0)].tolist()

    def num(self, values: np.ndarray) -> list[str]:
        """Non-negative integers (negative: NULL); ids and counts."""
        return self.ints[np.asarray(values) + 1].tolist()

    def flag(self, values: np.ndarray) -> list[str]:
        return self.bools[np.asarray(values, dtype=np.int8)].tolist()

    @staticmethod
    def pick(lut, codes: np.ndarray) -> list[str]:
        return np.asarray(lut, dtype=object)[codes].tolist()

    @staticmethod
    def same(value: str):
        return itertools.repeat(value)

    @staticmethod
    def rows(columns) -> bytes:
        return ("\n".join(map("\t".join, zip(*columns))) + "\n").encode()  # noqa: B905


class _Binary:
    """Rows in PostgreSQL's binary COPY format: no text to format here nor to parse there.

    Rows of the same shape (which fields are NULL, how long each text is) are written as one
    numpy block; `shape()` gives each row's, so callers can order rows into few, large blocks.
    Numbers and times are NULL when negative; texts are codes into a list of strings."""

    HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
    TRAILER = b"\xff\xff"
    Y2K = 946_684_800  # PostgreSQL counts time from 2000-01-01

    def __init__(self):
        self.fields: list[tuple] = []

    def int8(self, values) -> _Binary:
        return self._number(">i8", values)

    def int4(self, values) -> _Binary:
        return self._number(">i4", values)

    def int2(self, values) -> _Binary:
        return self._number(">i2", values)

    def _number(self, dtype: str, values) -> _Binary:
        values = np.asarray(values, dtype=np.int64)
        self.fields.append(("number", dtype, values, values >= 0))
        return self

    def stamp(self, secs) -> _Binary:
        secs = np.asarray(secs, dtype=np.int64)
        self.fields.append(("number", ">i8", (secs - self.Y2K) * 1_000_000, secs >= 0))
        return self

    def flag(self, values) -> _Binary:
        self.fields.append(("number", "u1", np.asarray(values, dtype=np.int64), None))
        return self

    def text(self, lut, codes) -> _Binary:
        encoded = [str(x).encode() for x in lut]
        lengths = np.array([len(x) for x in encoded], dtype=np.int64)
        matrix = np.zeros((len(encoded), max(1, lengths.max())), dtype=np.uint8)
        for i, x in enumerate(encoded):
            matrix[i, : len(x)] = np.frombuffer(x, dtype=np.uint8)
        self.fields.append(("text", matrix, np.asarray(codes, dtype=np.int64), lengths))
        return self

    def shape(self) -> np.ndarray:
        """A number per row; rows with the same number have the same layout."""
        key = np.zeros(len(self.fields[0][2]), dtype=np.int64)
        for kind, _, b, c in self.fields:
            if kind == "text":
                part, radix = c[b], int(c.max()) + 1
            elif c is not None:
                part, radix = c, 2
            else:
                continue
            if int(key.max(initial=0)) >= 2**62 // radix:
                key = np.unique(key, return_inverse=True)[1].astype(np.int64)
            key = key * radix + part
        return key

    def encode(self) -> bytes:
        key = self.shape()
        m = len(key)
        runs = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if m else np.zeros(0, int)
        ends = np.r_[runs[1:], m]
        prepared = []
        for kind, a, b, c in self.fields:
            if kind == "text":
                prepared.append((a, b, c))
            else:
                matrix = b.astype(a).view(np.uint8).reshape(m, -1)
                prepared.append((matrix, None, c))
        count = np.frombuffer(len(self.fields).to_bytes(2, "big"), dtype=np.uint8)
        lengths: dict[int, np.ndarray] = {}

        def length(n: int) -> np.ndarray:
            if n not in lengths:
                lengths[n] = np.frombuffer(n.to_bytes(4, "big", signed=True), dtype=np.uint8)
            return lengths[n]

        parts = [self.HEADER]
        for start, end in zip(runs.tolist(), ends.tolist(), strict=True):
            sizes = []
            for matrix, codes, extra in prepared:
                if codes is not None:  # text
                    sizes.append(int(extra[codes[start]]))
                elif extra is not None and not extra[start]:
                    sizes.append(-1)
                else:
                    sizes.append(matrix.shape[1])
            block = np.empty((end - start, 2 + sum(4 + max(n, 0) for n in sizes)), np.uint8)
            block[:, :2] = count
            pos = 2
            for (matrix, codes, _), n in zip(prepared, sizes, strict=True):
                block[:, pos : pos + 4] = length(n)
                pos += 4
                if n > 0:
                    if codes is None:
                        block[:, pos : pos + n] = matrix[start:end]
                    else:
                        block[:, pos : pos + n] = matrix[codes[start:end], :n]
                    pos += n
            parts.append(block.data)
        parts.append(self.TRAILER)
        return b"".join(parts)


@dataclass
class _Batch:
    table: str
    columns: tuple[str, ...]
    data: bytes
    rows: int
    binary: bool = False


@dataclass
class _Stage:
    name: str


# The plan ---------------------------------------------------------------------------------


@dataclass
class _World:
    """Everything decided before rows are written: places, people, catalogue, targets."""

    seed: int
    bookings: int
    years: list[int]
    now: int
    today: int
    regions: list[int] = field(default_factory=list)
    region_names: list[str] = field(default_factory=list)
    systems: np.ndarray = None  # system ids
    system_region: np.ndarray = None  # region index of each system
    orgs: np.ndarray = None  # organisation ids
    org_system: np.ndarray = None  # system index of each organisation
    org_type: np.ndarray = None  # type code index
    type_codes: list[str] = field(default_factory=list)
    type_ids: dict = field(default_factory=dict)
    workstreams: list[int] = field(default_factory=list)
    themes: list[int] = field(default_factory=list)
    base: dict = field(default_factory=dict)  # table -> largest id already there


class _Calendar:
    """Working days of each financial year and the UK's UTC offset on every day."""

    def __init__(self, years: list[int]):
        self.first = _days(_fy_start(years[0] - 4))
        self.last = _days(_fy_start(years[-1] + 2))
        offsets = []
        for n in range(self.first, self.last + 1):
            day = EPOCH + timedelta(days=n)
            noon = datetime(day.year, day.month, day.day, 12, tzinfo=LONDON)
            offsets.append(int(noon.utcoffset().total_seconds()))
        self.offset = np.array(offsets, dtype=np.int64)
        self.workdays = {}
        for y in years:
            lo, hi = _days(_fy_start(y)), _days(_fy_start(y + 1))
            days = np.arange(lo, hi)
            weekday = (days + 3) % 7  # 1970-01-01 was a Thursday (3)
            christmas = np.array([(EPOCH + timedelta(days=int(x))).strftime("%m%d") for x in days])
            keep = (weekday < 5) & ~((christmas >= "1224") | (christmas <= "0101"))
            self.workdays[y] = days[keep]

    def at(self, days: np.ndarray, local_secs: np.ndarray) -> np.ndarray:
        """Epoch seconds of a local (Europe/London) time of day on each day."""
        return days * DAY + local_secs - self.offset[days - self.first]


def _reference(world: _World, regions: int, out) -> None:
    """Regions, systems, organisations, workstreams, themes: reused when present."""
    names = list(REGIONS)[:regions]
    types = {t.code: t for t in OrganisationType.objects.all()}
    world.type_codes = list(types)
    world.type_ids = {code: t.pk for code, t in types.items()}
    systems, system_region = [], []
    org_rows = []
    for r, name in enumerate(names):
        region, _ = Region.objects.get_or_create(name=name)
        world.regions.append(region.pk)
        world.region_names.append(name)
        for n, system_name in enumerate(REGIONS[name]):
            system = IntegratedCareSystem.objects.filter(name__iexact=system_name).first()
            if system is None:
                system = IntegratedCareSystem.objects.create(region=region, name=system_name)
            systems.append(system.pk)
            system_region.append(r)
            wanted = list(DEMO_ORGANISATIONS.get(system_name, []))
            short = system_name.split(",")[0].replace(" and ", " & ")
            for template, code in ORGANISATION_TEMPLATES:
                if len(wanted) >= ORGANISATIONS_PER_SYSTEM:
                    break
                if code == "acute_trust" and sum(c == code for _, c in wanted) >= 2:
                    continue
                if code != "acute_trust" and any(c == code for _, c in wanted):
                    continue
                wanted.append((template.format(s=short), code))
            if n == 0:
                wanted.append((f"{name} Ambulance Service NHS Trust", "ambulance_trust"))
                wanted.append((f"University of {short}", "higher_education"))
            org_rows += [(system, org_name, code) for org_name, code in wanted]
    existing = {
        (o.system_id, o.name.lower()): o for o in Organisation.objects.filter(system_id__in=systems)
    }
    missing = [
        Organisation(name=org_name, type=types[code], system=system)
        for system, org_name, code in org_rows
        if (system.pk, org_name.lower()) not in existing
    ]
    Organisation.objects.bulk_create(missing)
    orgs = list(Organisation.objects.filter(system_id__in=systems).order_by("pk"))
    index = {s: i for i, s in enumerate(systems)}
    world.systems = np.array(systems)
    world.system_region = np.array(system_region)
    world.orgs = np.array([o.pk for o in orgs])
    world.org_system = np.array([index[o.system_id] for o in orgs])
    world.org_type = np.array([world.type_codes.index(_code_of(o, types)) for o in orgs])
    world.workstreams = [Workstream.objects.get_or_create(name=n)[0].pk for n in WORKSTREAMS]
    world.themes = list(Theme.objects.order_by("pk").values_list("pk", flat=True))
    out(
        f"{len(names)} regions, {len(systems)} systems, {len(orgs)} organisations "
        f"({len(missing)} new)"
    )


def _code_of(org, types) -> str:
    for code, t in types.items():
        if t.pk == org.type_id:
            return code
    return "other"


@dataclass
class _People:
    n: int
    region: np.ndarray
    org: np.ndarray  # organisation index, -1 for none
    system: np.ndarray  # system index, -1 for none
    band: np.ndarray
    group: np.ndarray
    ethnic: np.ndarray  # at booking: Z when they have no equality record
    sex: np.ndarray
    disability: np.ndarray
    has_equality: np.ndarray
    joined: np.ndarray
    raw: tuple = ()  # their own equality answers (ethnic, sex, disability)
    pool_start: np.ndarray = None
    pool_len: np.ndarray = None
    pools: np.ndarray = None
    pool_index: dict = None
    pool_movable: np.ndarray = None  # pools whose people may have moved organisation


def _people(rng, world: _World) -> _People:
    n = max(2_000, round(world.bookings / BOOKINGS_PER_PERSON))
    regions = len(world.regions)
    region = rng.integers(0, regions, n)
    org = np.full(n, -1)
    org_weight = np.array(
        [STAFF_BY_TYPE.get(world.type_codes[t], 1) for t in world.org_type], dtype=float
    )
    org_weight *= rng.uniform(0.6, 1.4, len(org_weight))
    org_region = world.system_region[world.org_system]
    for r in range(regions):
        members = np.flatnonzero(region == r)
        candidates = np.flatnonzero(org_region == r)
        p = org_weight[candidates] / org_weight[candidates].sum()
        org[members] = candidates[rng.choice(len(candidates), len(members), p=p)]
    org[rng.random(n) < 0.01] = -1  # imported people with no organisation yet
    system = np.where(org >= 0, world.org_system[np.maximum(org, 0)], -1)
    group = _choice(rng, n, [55, 40, 5])
    band = np.zeros(n, dtype=np.int64)
    for g, name in enumerate(STAFF_GROUPS):
        members = np.flatnonzero(group == g)
        codes, weights = zip(*BAND_WEIGHTS[name].items(), strict=True)
        band[members] = np.array(codes)[_choice(rng, len(members), weights)]
    ethnic = _choice(rng, n, ETHNIC_WEIGHTS)
    if "London" in world.region_names:
        london = np.flatnonzero(region == world.region_names.index("London"))
        ethnic[london] = _choice(rng, len(london), LONDON_ETHNIC_WEIGHTS)
    sex = _choice(rng, n, [76, 22, 2])
    disability = _choice(rng, n, [84, 8, 8])
    has_equality = rng.random(n) < 0.98
    ethnic_at_booking = np.where(has_equality, ethnic, ETHNIC.index("Z"))
    first_day = _days(_fy_start(world.years[0]))
    joined = (first_day - rng.integers(1, 3 * 365, n)) * DAY + rng.integers(8 * HOUR, 18 * HOUR, n)
    people = _People(
        n=n, region=region, org=org, system=system, band=band, group=group,
        ethnic=ethnic_at_booking, sex=np.where(has_equality, sex, 2),
        disability=np.where(has_equality, disability, 2), has_equality=has_equality,
        joined=joined, raw=(ethnic, sex, disability),
    )  # fmt: skip
    # Pools people book from: a flat array of person indexes, sliced per pool.
    senior = np.isin(band, [BANDS.index(b) for b in SENIOR_BANDS])
    primary = np.isin(
        np.where(org >= 0, world.org_type[np.maximum(org, 0)], -1),
        [world.type_codes.index("primary_care")],
    )
    pools, index, movable = [np.arange(n)], {("all", 0): 0}, [True]
    for r in range(regions):
        in_region = region == r
        for kind, mask in (
            ("region", in_region),
            ("senior", in_region & senior),
            ("primary", in_region & primary),
            ("clinical", in_region & (group == 0)),
        ):
            index[(kind, r)] = len(pools)
            pools.append(np.flatnonzero(mask))
            movable.append(kind != "primary")
    for s in range(len(world.systems)):
        index[("system", s)] = len(pools)
        pools.append(np.flatnonzero(system == s))
        movable.append(False)
    people.pool_movable = np.array(movable)
    lengths = np.array([len(p) for p in pools])
    people.pools = np.concatenate(pools)
    people.pool_len = lengths
    people.pool_start = np.cumsum(lengths) - lengths
    people.pool_index = index
    return people


@dataclass
class _Catalogue:
    # programmes
    p_region: np.ndarray
    p_format: np.ndarray
    p_topic: np.ndarray
    p_pan: np.ndarray
    p_pool: np.ndarray
    p_system: np.ndarray  # system index for system-only programmes, else -1
    p_weight: np.ndarray
    p_delivery: np.ndarray
    p_modules: np.ndarray
    p_facilitator: np.ndarray
    # sessions, in time order
    s_prog: np.ndarray = None
    s_start: np.ndarray = None
    s_end: np.ndarray = None
    s_cap: np.ndarray = None
    s_cohort: np.ndarray = None  # cohort index or -1
    s_number: np.ndarray = None  # position within its cohort or series
    s_module: np.ndarray = None  # module index within the programme or -1
    s_status: np.ndarray = None  # 0 scheduled, 1 delivered, 2 cancelled
    s_unrecorded: np.ndarray = None
    s_facilitator: np.ndarray = None
    # cohorts, in time order of their first session
    c_prog: np.ndarray = None
    c_cap: np.ndarray = None
    c_first: np.ndarray = None  # first session index (sessions of a cohort: c_sessions)
    c_sessions: np.ndarray = None  # flat session indexes, cohort by cohort
    c_count: np.ndarray = None
    c_allocations: np.ndarray = None  # has per-system allocations
    # targets (a session booked alone, or a cohort), in time order
    t_session: np.ndarray = None  # session index or -1
    t_cohort: np.ndarray = None  # cohort index or -1
    t_start: np.ndarray = None
    t_end: np.ndarray = None
    t_cap: np.ndarray = None
    t_cancelled: np.ndarray = None
    t_cancel_at: np.ndarray = None
    t_popular: np.ndarray = None
    t_counts: np.ndarray = None  # targets x 7 categories
    t_pool: np.ndarray = None
    t_offset: np.ndarray = None
    t_stride: np.ndarray = None
    t_prog: np.ndarray = None
    s_taken: np.ndarray = None
    s_cancel_at: np.ndarray = None
    c_taken: np.ndarray = None
    c_cancelled: np.ndarray = None
    # database ids, once numbered
    prog_ids: np.ndarray = None
    module_first: np.ndarray = None
    cohort_ids: np.ndarray = None
    session_ids: np.ndarray = None


def _programmes(rng, world: _World, people: _People) -> _Catalogue:
    regions = len(world.regions)
    per_region = 140
    pan = max(1, round(20 * regions / 7))
    region = np.r_[np.repeat(np.arange(regions), per_region), np.arange(pan) % regions]
    n = len(region)
    is_pan = np.r_[np.zeros(n - pan, bool), np.ones(pan, bool)]
    topic = rng.integers(0, len(TOPICS), n)
    fmt = np.empty(n, dtype=np.int64)
    for i in range(n):
        choices = TOPICS[topic[i]][3].split()
        fmt[i] = FORMAT_NAMES.index(choices[rng.integers(0, len(choices))])
    pool = np.empty(n, dtype=np.int64)
    system = np.full(n, -1)
    system_only = (rng.random(n) < 0.06) & ~is_pan
    for i in range(n):
        audience = TOPICS[topic[i]][4]
        if is_pan[i]:
            pool[i] = people.pool_index[("all", 0)]
        elif audience:
            pool[i] = people.pool_index[(audience, region[i])]
        elif system_only[i]:
            options = np.flatnonzero(world.system_region == region[i])
            system[i] = options[rng.integers(0, len(options))]
            pool[i] = people.pool_index[("system", system[i])]
        else:
            pool[i] = people.pool_index[("region", region[i])]
    weight = rng.lognormal(0, 0.5, n) * np.where(is_pan, 2.5, 1.0)
    weight[fmt == FORMAT_NAMES.index("e_learning")] = 0
    delivery = _choice(rng, n, [60, 25, 15])  # virtual, in person, hybrid
    virtual_only = np.isin(
        fmt, [FORMAT_NAMES.index(f) for f in ("webinar", "drop_in", "e_learning")]
    )
    delivery[virtual_only] = 0
    delivery[fmt == FORMAT_NAMES.index("development_centre")] = 1
    modules = np.where(fmt == FORMAT_NAMES.index("multi_module"), rng.integers(3, 7, n), 0)
    facilitators = rng.choice(people.n, size=min(people.n, max(50, n // 3)), replace=False)
    return _Catalogue(
        p_region=region, p_format=fmt, p_topic=topic, p_pan=is_pan, p_pool=pool,
        p_system=system, p_weight=weight, p_delivery=delivery, p_modules=modules,
        p_facilitator=facilitators[rng.integers(0, len(facilitators), n)],
    )  # fmt: skip


def _sessions(rng, world: _World, cal: _Calendar, cat: _Catalogue, scale: float) -> None:
    """Sessions and cohorts of every programme in every year; `scale` sets how many."""
    n_prog = len(cat.p_region)
    years = world.years
    # Programmes start and stop running over the years.
    first = np.where(rng.random(n_prog) < 0.7, 0, rng.integers(0, len(years), n_prog))
    last = np.where(rng.random(n_prog) < 0.8, len(years) - 1, rng.integers(0, len(years), n_prog))
    last = np.maximum(first, last)
    cohort_based = np.zeros(n_prog, bool)
    for f, (_, _, _, cohorts) in enumerate(FORMATS.values()):
        if cohorts:
            cohort_based |= cat.p_format == f
    cohort_based &= ~(
        (cat.p_format == FORMAT_NAMES.index("multi_module")) & (rng.random(n_prog) < 0.4)
    )
    spec = [FORMATS[f] for f in FORMAT_NAMES]
    cap_lo = np.array([s[0] for s in spec])[cat.p_format]
    cap_hi = np.array([s[1] for s in spec])[cat.p_format]
    hours = np.array([s[2] for s in spec])[cat.p_format]
    c_lo = np.array([(s[3] or (1, 1, 1))[0] for s in spec])[cat.p_format]
    c_hi = np.array([(s[3] or (1, 1, 1))[1] for s in spec])[cat.p_format]
    c_gap = np.array([(s[3] or (1, 1, 1))[2] for s in spec])[cat.p_format]
    start_time = np.array(START_TIMES)[rng.integers(0, len(START_TIMES), n_prog)]
    start_time[hours >= 7] = 9 * HOUR

    s_prog, s_day, s_cap, s_cohort, s_number = [], [], [], [], []
    c_prog, c_cap = [], []
    n_cohorts = 0
    for y, year in enumerate(years):
        active = (first <= y) & (y <= last)
        lam = cat.p_weight * scale * active
        workdays = cal.workdays[year]
        # Single sessions
        singles = rng.poisson(np.where(cohort_based, 0, lam))
        prog = np.repeat(np.arange(n_prog), singles)
        s_prog.append(prog)
        s_day.append(workdays[rng.integers(0, len(workdays), len(prog))])
        s_cap.append(_between(rng, cap_lo[prog], cap_hi[prog]))
        s_cohort.append(np.full(len(prog), -1))
        s_number.append(np.zeros(len(prog), dtype=np.int64))
        # Cohorts: a few sessions some weeks apart, booked as a whole
        per = rng.poisson(np.where(cohort_based, lam / ((c_lo + c_hi) / 2), 0))
        cprog = np.repeat(np.arange(n_prog), per)
        length = _between(rng, c_lo[cprog], c_hi[cprog])
        span = (length - 1) * c_gap[cprog] * 7
        latest = np.full(len(cprog), len(workdays) - 1)
        if year == years[-1]:  # the current year's cohorts finish by 31 March
            latest = np.searchsorted(workdays, workdays[-1] - span, side="right") - 1
        first_day = workdays[(rng.random(len(cprog)) * (latest + 1)).astype(np.int64)]
        cap = _between(rng, cap_lo[cprog], cap_hi[cprog])
        owner, number = _expand(length)
        s_prog.append(cprog[owner])
        s_day.append(first_day[owner] + number * c_gap[cprog][owner] * 7)
        s_cap.append(cap[owner])
        s_cohort.append(n_cohorts + owner)
        s_number.append(number)
        c_prog.append(cprog)
        c_cap.append(cap)
        n_cohorts += len(cprog)

    prog = np.concatenate(s_prog)
    day = np.concatenate(s_day)
    start = cal.at(day, start_time[prog])
    order = np.argsort(start, kind="stable")
    cat.s_prog = prog[order]
    cat.s_start = start[order]
    cat.s_end = cat.s_start + (hours[cat.s_prog] * HOUR).astype(np.int64)
    cat.s_cap = np.concatenate(s_cap)[order]
    cohort = np.concatenate(s_cohort)[order]
    cat.s_number = np.concatenate(s_number)[order]
    n_sessions = len(order)
    # Cohorts numbered by their first session.
    c_prog = np.concatenate(c_prog) if c_prog else np.zeros(0, dtype=np.int64)
    c_cap = np.concatenate(c_cap) if c_cap else np.zeros(0, dtype=np.int64)
    in_cohort = np.flatnonzero(cohort >= 0)
    first_seen = np.full(n_cohorts, n_sessions)
    np.minimum.at(first_seen, cohort[in_cohort], in_cohort)
    renumber = np.empty(n_cohorts, dtype=np.int64)
    renumber[np.argsort(first_seen, kind="stable")] = np.arange(n_cohorts)
    cat.s_cohort = cohort.copy()
    cat.s_cohort[in_cohort] = renumber[cohort[in_cohort]]
    cat.c_prog = np.empty(n_cohorts, dtype=np.int64)
    cat.c_prog[renumber] = c_prog
    cat.c_cap = np.empty(n_cohorts, dtype=np.int64)
    cat.c_cap[renumber] = c_cap
    members = in_cohort[np.argsort(cat.s_cohort[in_cohort], kind="stable")]
    cat.c_sessions = members
    cat.c_count = np.bincount(cat.s_cohort[in_cohort], minlength=n_cohorts)
    cat.c_first = np.cumsum(cat.c_count) - cat.c_count
    modules = cat.p_modules[cat.s_prog]
    cat.s_module = np.where(
        modules > 0, np.where(cat.s_cohort >= 0, cat.s_number, rng.integers(0, 6, n_sessions)), -1
    )
    cat.s_module = np.where(modules > 0, cat.s_module % np.maximum(modules, 1), -1)
    cat.s_facilitator = np.where(rng.random(n_sessions) < 0.9, cat.p_facilitator[cat.s_prog], -1)
    cat.c_allocations = (
        (rng.random(n_cohorts) < 0.3) & ~cat.p_pan[cat.c_prog] & (cat.p_system[cat.c_prog] < 0)
    )


def _targets(rng, world: _World, cat: _Catalogue) -> None:
    """What is booked on each session and cohort: counts of bookings by category."""
    now = world.now
    single = np.flatnonzero(cat.s_cohort < 0)
    n_cohorts = len(cat.c_prog)
    last = cat.c_sessions[cat.c_first + cat.c_count - 1] if n_cohorts else np.zeros(0, int)
    first = cat.c_sessions[cat.c_first] if n_cohorts else np.zeros(0, int)
    start = np.r_[cat.s_start[single], cat.s_start[first]]
    order = np.argsort(start, kind="stable")
    cat.t_session = np.r_[single, np.full(n_cohorts, -1)][order]
    cat.t_cohort = np.r_[np.full(len(single), -1), np.arange(n_cohorts)][order]
    cat.t_start = start[order]
    cat.t_end = np.r_[cat.s_end[single], cat.s_end[last]][order]
    cat.t_cap = np.r_[cat.s_cap[single], cat.c_cap][order]
    prog = np.where(cat.t_session >= 0, cat.s_prog[np.maximum(cat.t_session, 0)], 0)
    if n_cohorts:
        prog = np.where(cat.t_cohort >= 0, cat.c_prog[np.maximum(cat.t_cohort, 0)], prog)
    t = len(order)
    future = cat.t_start > now
    cancelled = rng.random(t) < np.where(cat.t_cohort >= 0, 0.015, 0.02)
    cancel_at = np.minimum(cat.t_start, now) - rng.integers(DAY, 20 * DAY, t)
    popular = rng.random(t) < np.where(future, 0.45, 0.3)
    cap = cat.t_cap
    lead_days = (cat.t_start - now) / DAY
    fill = np.where(
        future,
        rng.uniform(0.3, 1.0, t) * np.clip(1 - lead_days / 150, 0.15, 1),
        rng.uniform(0.45, 0.98, t),
    )
    held = np.where(popular, cap, np.maximum(1, np.rint(cap * fill))).astype(np.int64)
    offered = np.where(
        future & popular & ~cancelled & (cat.t_start > now + 6 * HOUR), rng.poisson(4.5, t), 0
    )
    offered = np.minimum(offered, held)
    counts = np.zeros((t, 7), dtype=np.int64)
    counts[:, HOLD] = held - offered
    counts[:, OFFER] = offered
    counts[:, CANCEL] = rng.binomial(held, 0.1)
    queue_ = popular.astype(float)
    counts[:, WAIT] = rng.poisson(2.9 * queue_)
    counts[:, EXPIRE] = rng.poisson(1.9 * queue_)
    counts[:, REMOVE] = rng.poisson(1.9 * queue_)
    counts[:, QUEUE_CANCEL] = rng.poisson(0.8 * queue_)
    cat.t_cancelled = cancelled
    cat.t_cancel_at = np.where(cancelled, cancel_at, -1)
    cat.t_popular = popular
    cat.t_counts = counts
    cat.t_pool = cat.p_pool[prog]
    cat.t_prog = prog


def _fit(rng, world: _World, cat: _Catalogue, people: _People) -> None:
    """Make the booking total exact, then give every target its people and session states."""
    counts = cat.t_counts
    diff = world.bookings - int(counts.sum())
    t = len(counts)
    if diff > 0:
        ok = np.flatnonzero(~cat.t_cancelled)
        np.add.at(counts[:, CANCEL], ok[rng.integers(0, len(ok), diff)], 1)
    elif diff < 0:
        removable = counts.copy()
        removable[:, OFFER] = 0
        removable[:, HOLD] = np.where(cat.t_popular, 0, np.maximum(counts[:, HOLD] - 1, 0))
        flat = removable.ravel()
        units = np.repeat(np.arange(len(flat)), flat)
        if len(units) < -diff:
            raise ValueError("The catalogue is too small for this many bookings.")
        take = rng.choice(len(units), -diff, replace=False)
        np.subtract.at(counts.ravel(), units[take], 1)
    assert counts.sum() == world.bookings
    # People: pool slices, walked with a stride prime to the pool's size.
    n = counts.sum(axis=1)
    pool = cat.t_pool.copy()
    for fallback in (("region", None), ("all", 0)):
        small = n > people.pool_len[pool]
        if not small.any():
            break
        if fallback[0] == "region":
            region = cat.p_region[cat.t_prog[small]]
            pool[small] = [people.pool_index[("region", r)] for r in region]
        else:
            pool[small] = people.pool_index[("all", 0)]
    if (n > people.pool_len[pool]).any():
        raise ValueError("Too few people for the largest session.")
    length = people.pool_len[pool]
    stride = STRIDES[rng.integers(0, len(STRIDES), t)]
    stride = np.where(np.gcd(stride, length) == 1, stride, 1)
    cat.t_pool = pool
    cat.t_offset = (rng.random(t) * length).astype(np.int64)
    cat.t_stride = stride
    # Session states
    now = world.now
    n_sessions = len(cat.s_start)
    status = np.where(cat.s_end <= now, 1, 0)
    recent = (cat.s_end <= now) & (cat.s_end > now - 21 * DAY)
    cat.s_unrecorded = recent & (rng.random(n_sessions) < 0.4)
    status[cat.s_unrecorded] = 0
    cancelled_sessions = cat.t_session[cat.t_cancelled & (cat.t_session >= 0)]
    status[cancelled_sessions] = 2
    cancelled_cohorts = cat.t_cohort[cat.t_cancelled & (cat.t_cohort >= 0)]
    cohort_cancelled = np.zeros(len(cat.c_prog), bool)
    cohort_cancelled[cancelled_cohorts] = True
    status[(cat.s_cohort >= 0) & cohort_cancelled[np.maximum(cat.s_cohort, 0)]] = 2
    cat.s_status = status
    cat.c_cancelled = cohort_cancelled
    taken = np.where(cat.t_cancelled, 0, counts[:, HOLD] + counts[:, OFFER])
    cat.s_taken = np.zeros(n_sessions, dtype=np.int64)
    single = cat.t_session >= 0
    cat.s_taken[cat.t_session[single]] = taken[single]
    cat.c_taken = np.zeros(len(cat.c_prog), dtype=np.int64)
    cat.c_taken[cat.t_cohort[~single]] = taken[~single]
    cat.s_cancel_at = np.full(n_sessions, -1)
    cat.s_cancel_at[cat.t_session[single]] = cat.t_cancel_at[single]


def plan(world: _World, cal: _Calendar, people: _People, out) -> _Catalogue:
    """The catalogue, sized so that the bookings come to exactly `world.bookings`."""
    # About 90 sessions a programme a year at 10 million bookings over 5 years and 7 regions.
    scale = 90 * world.bookings / 10_000_000 * 35 / (len(world.years) * len(world.regions))
    for attempt in range(3):
        rng = np.random.default_rng([world.seed, 2])
        cat = _programmes(rng, world, people)
        _sessions(rng, world, cal, cat, scale)
        _targets(rng, world, cat)
        total = int(cat.t_counts.sum())
        if abs(total - world.bookings) <= 0.01 * world.bookings or attempt == 2:
            break
        scale *= world.bookings / max(total, 1)
    _fit(rng, world, cat, people)
    out(
        f"plan: {len(cat.p_region):,} programmes, {len(cat.s_start):,} sessions, "
        f"{len(cat.c_prog):,} cohorts, {len(cat.t_start):,} bookable targets"
    )
    return cat


# Rows -------------------------------------------------------------------------------------


class _Ids:
    """Ids handed out per table, after any rows already there."""

    def __init__(self, base: dict):
        self.base = base

    def first(self, table: str) -> int:
        return self.base.get(table, 0) + 1


def _users(world: _World, people: _People, text: _Text, ids: _Ids) -> Iterator[_Batch]:
    rng = np.random.default_rng([world.seed, 3])
    n = people.n
    first = rng.integers(0, len(FIRST_NAMES), n)
    last = rng.integers(0, len(LAST_NAMES), n)
    user_ids = ids.first("directory_user") + np.arange(n)
    locals_ = [
        f"{FIRST_NAMES[f]}.{LAST_NAMES[la]}.{i}".lower().replace("'", "")
        for f, la, i in zip(first.tolist(), last.tolist(), user_ids.tolist(), strict=True)
    ]
    emails = [f"{x}@scale.nhs.example" for x in locals_]
    joined = text.stamps(people.joined)
    yield _Batch(
        "directory_user",
        ("id", "password", "is_superuser", "first_name", "last_name", "is_staff",
         "is_active", "date_joined", "email"),
        text.rows([
            text.num(user_ids), text.same("!"), text.same("f"), text.pick(FIRST_NAMES, first),
            text.pick(LAST_NAMES, last), text.same("f"), text.same("t"), joined, emails,
        ]),
        n,
    )  # fmt: skip
    updated = people.joined + rng.integers(HOUR, 400 * DAY, n)
    updated = text.stamps(np.minimum(updated, world.now - HOUR))
    group_names = np.array(STAFF_GROUPS, dtype=object)[people.group]
    groups = group_names.tolist()
    draws = rng.integers(0, 1000, n).tolist()
    titles = [JOB_TITLES[g][i % len(JOB_TITLES[g])] for g, i in zip(groups, draws, strict=True)]
    professions = [
        PROFESSIONS[g][i % len(PROFESSIONS[g])] for g, i in zip(groups, draws, strict=True)
    ]
    org_ids = np.where(people.org >= 0, world.orgs[np.maximum(people.org, 0)], -1)
    yield _Batch(
        "directory_profile",
        ("user_id", "job_title", "organisation_id", "band", "staff_group", "profession",
         "updated_at"),
        text.rows([
            text.num(user_ids), titles, text.num(org_ids), text.pick(BANDS, people.band),
            group_names.tolist(), professions, updated,
        ]),
        n,
    )  # fmt: skip
    who = np.flatnonzero(people.has_equality)
    ethnic, sex, disability = people.raw
    yield _Batch(
        "directory_equalitymonitoring",
        ("user_id", "ethnic_category", "disability", "sex", "updated_at"),
        text.rows([
            text.num(user_ids[who]), text.pick(ETHNIC, ethnic[who]),
            text.pick(DISABILITIES, disability[who]), text.pick(SEXES, sex[who]),
            [updated[i] for i in who.tolist()],
        ]),
        len(who),
    )  # fmt: skip


def _catalogue_rows(
    world: _World, cat: _Catalogue, people: _People, text: _Text, ids: _Ids
) -> Iterator[_Batch]:
    rng = np.random.default_rng([world.seed, 4])
    n = len(cat.p_region)
    user0 = ids.first("directory_user")
    prog_ids = ids.first("programmes_programme") + np.arange(n)
    cat.prog_ids = prog_ids
    titles, slugs, summaries, streams, themes, bands, groups = [], [], [], [], [], [], []
    for i in range(n):
        topic, stream, theme, _, audience = TOPICS[cat.p_topic[i]]
        fmt = FORMAT_NAMES[cat.p_format[i]]
        title = f"Coffee and Chat: {topic}" if fmt == "drop_in" else f"{topic} {FORMAT_WORDS[fmt]}"
        if cat.p_pan[i]:
            title = f"{title} (national)"
        titles.append(title)
        slugs.append(f"{slugify(title)[:200]}-{prog_ids[i]}")
        summaries.append(
            f"{topic}: a {FORMAT_WORDS[fmt].lower()} for health and care staff"
            + (
                " in every region."
                if cat.p_pan[i]
                else f" in the {world.region_names[cat.p_region[i]]}."
            )
        )
        streams.append(world.workstreams[stream])
        themes.append(theme)
        bands.append("{" + ",".join(SENIOR_BANDS) + "}" if audience == "senior" else "{}")
        groups.append("{clinical}" if audience == "clinical" else "{}")
    first_start = np.full(n, world.now)
    np.minimum.at(first_start, cat.s_prog, cat.s_start)
    created = np.minimum(first_start, world.now) - rng.integers(60 * DAY, 200 * DAY, n)
    created_text = text.stamps(created)
    yield _Batch(
        "programmes_programme",
        ("id", "title", "slug", "summary", "workstream_id", "people_plan_theme", "format",
         "delivery", "provider", "audience", "region_id", "pan_regional", "eligible_bands",
         "eligible_staff_groups", "published", "created_at", "changed_at"),
        text.rows([
            text.num(prog_ids), titles, slugs, summaries, text.num(np.array(streams)), themes,
            text.pick(FORMAT_NAMES, cat.p_format),
            text.pick(["virtual", "in_person", "hybrid"], cat.p_delivery),
            text.pick(PROVIDERS, rng.integers(0, len(PROVIDERS), n)),
            text.same("Health and care staff"),
            text.num(np.array(world.regions)[cat.p_region]), text.flag(cat.p_pan), bands,
            groups, text.same("t"), created_text, created_text,
        ]),
        n,
    )  # fmt: skip
    primary = np.flatnonzero([TOPICS[x][4] == "primary" for x in cat.p_topic])
    yield _Batch(
        "programmes_programme_eligible_sectors",
        ("id", "programme_id", "organisationtype_id"),
        text.rows([
            text.num(ids.first("programmes_programme_eligible_sectors") + np.arange(len(primary))),
            text.num(prog_ids[primary]),
            text.same(str(world.type_ids["primary_care"])),
        ]),
        len(primary),
    )  # fmt: skip
    only = np.flatnonzero(cat.p_system >= 0)
    yield _Batch(
        "programmes_programme_eligible_systems",
        ("id", "programme_id", "integratedcaresystem_id"),
        text.rows([
            text.num(ids.first("programmes_programme_eligible_systems") + np.arange(len(only))),
            text.num(prog_ids[only]), text.num(world.systems[cat.p_system[only]]),
        ]),
        len(only),
    )  # fmt: skip
    # Modules
    owner, number = _expand(cat.p_modules)
    module_ids = ids.first("programmes_module") + np.arange(len(owner))
    cat.module_first = np.cumsum(cat.p_modules) - cat.p_modules + ids.first("programmes_module")
    yield _Batch(
        "programmes_module",
        ("id", "programme_id", "title", "description", '"order"', "bookable_singly"),
        text.rows([
            text.num(module_ids), text.num(prog_ids[owner]), text.pick(MODULE_TITLES, number),
            text.same(""), text.num(number + 1), text.same("t"),
        ]),
        len(owner),
    )  # fmt: skip
    # Cohorts
    nc = len(cat.c_prog)
    cat.cohort_ids = ids.first("programmes_cohort") + np.arange(nc)
    number = _ranks(np.sort(cat.c_prog, kind="stable"))
    per_programme = np.empty(nc, dtype=np.int64)
    per_programme[np.argsort(cat.c_prog, kind="stable")] = number + 1
    first = cat.s_start[cat.c_sessions[cat.c_first]] if nc else np.zeros(0, dtype=np.int64)
    months = np.datetime_as_string(first.astype("datetime64[s]"), unit="M").tolist()
    names = [
        f"Cohort {k} ({datetime.strptime(m, '%Y-%m'):%B %Y})"
        for k, m in zip(per_programme.tolist(), months, strict=True)
    ]
    yield _Batch(
        "programmes_cohort",
        ("id", "programme_id", "name", "capacity", "taken", "cancelled"),
        text.rows([
            text.num(cat.cohort_ids), text.num(prog_ids[cat.c_prog]), names,
            text.num(cat.c_cap), text.num(cat.c_taken), text.flag(cat.c_cancelled),
        ]),
        nc,
    )  # fmt: skip
    # Sessions
    ns = len(cat.s_start)
    cat.session_ids = ids.first("programmes_session") + np.arange(ns)
    fmt = cat.p_format[cat.s_prog]
    series = fmt == FORMAT_NAMES.index("series_bundle")
    title_lut = ["", *MODULE_TITLES, *[f"Day {k}" for k in range(1, 9)],
                 *[f"Part {k}" for k in range(1, 5)]]  # fmt: skip
    title = np.where(cat.s_module >= 0, 1 + cat.s_module, 0)
    title = np.where((cat.s_module < 0) & (cat.s_cohort >= 0), 7 + cat.s_number, title)
    title = np.where(series, 15 + rng.integers(0, 4, ns), title)
    delivery = cat.p_delivery[cat.s_prog]
    region = cat.p_region[cat.s_prog]
    venues = [f"{world.region_names[r]} venue {k}" for r in range(len(world.regions)) for k in
              range(1, 4)]  # fmt: skip
    venue = np.where(delivery == 0, -1, region * 3 + rng.integers(0, 3, ns))
    module = np.where(
        cat.s_module >= 0, cat.module_first[cat.s_prog] + np.maximum(cat.s_module, 0), -1
    )
    changed = np.where(
        cat.s_status == 2,
        cat.s_cancel_at,
        np.where(cat.s_status == 1, cat.s_end + rng.integers(HOUR, 3 * DAY, ns), -1),
    )
    changed = np.where(changed < 0, cat.s_start - 120 * DAY, changed)
    changed = np.minimum(changed, world.now - 60)
    cohort_cancel = cat.t_cancel_at[cat.t_cohort >= 0]
    cohort_cancel_at = np.full(nc, -1)
    cohort_cancel_at[cat.t_cohort[cat.t_cohort >= 0]] = cohort_cancel
    in_cancelled = (cat.s_cohort >= 0) & (cat.s_status == 2)
    changed[in_cancelled] = np.minimum(cohort_cancel_at[cat.s_cohort[in_cancelled]], world.now - 60)
    yield _Batch(
        "programmes_session",
        ("id", "title", "starts_at", "ends_at", "venue", "joining_url", "capacity", "taken",
         "status", "reference", "cohort_id", "facilitator_id", "module_id", "programme_id",
         "changed_at"),
        text.rows([
            text.num(cat.session_ids), text.pick(title_lut, title), text.stamps(cat.s_start),
            text.stamps(cat.s_end), text.pick([*venues, ""], venue),
            text.pick(["https://teams.example/meet", "", "https://teams.example/meet"],
                      delivery),
            text.num(cat.s_cap), text.num(cat.s_taken),
            text.pick(["scheduled", "delivered", "cancelled"], cat.s_status), text.same(""),
            text.num(_take(cat.cohort_ids, cat.s_cohort)),
            text.num(np.where(cat.s_facilitator >= 0, user0 + cat.s_facilitator, -1)),
            text.num(module), text.num(prog_ids[cat.s_prog]), text.stamps(changed),
        ]),
        ns,
    )  # fmt: skip


def _bookings(
    world: _World, cat: _Catalogue, people: _People, text: _Text, ids: _Ids
) -> Iterator[_Batch]:
    """Bookings, register entries and evaluations, a chunk of sessions and cohorts at a time
    (in time order); within a chunk bookings are numbered in order of creation."""
    rng = np.random.default_rng([world.seed, 5])
    now = world.now
    user0 = ids.first("directory_user")
    counts = cat.t_counts
    per_target = counts.sum(axis=1)
    ends = np.cumsum(per_target)
    cuts = np.unique(np.searchsorted(ends, np.arange(CHUNK_BOOKINGS, ends[-1], CHUNK_BOOKINGS)))
    cuts = np.r_[0, cuts + 1, len(per_target)]
    cuts = np.unique(np.minimum(cuts, len(per_target)))
    # Allocations: one per system of the region, for the cohorts that share places out.
    org_region = world.system_region[world.org_system]
    region_orgs = [np.flatnonzero(org_region == r) for r in range(len(world.regions))]
    region_orgs_flat = np.concatenate(region_orgs)
    region_orgs_len = np.array([len(x) for x in region_orgs])
    region_orgs_start = np.cumsum(region_orgs_len) - region_orgs_len
    systems_in = np.bincount(world.system_region, minlength=len(world.regions))
    system_rank = _ranks(world.system_region)  # systems are listed region by region
    c_region = cat.p_region[cat.c_prog]
    n_alloc = np.where(cat.c_allocations, systems_in[c_region], 0)
    alloc_first = np.cumsum(n_alloc) - n_alloc
    alloc_taken = np.zeros(int(n_alloc.sum()), dtype=np.int64)
    first_year_end = _days(_fy_start(world.years[0] + 1)) * DAY
    alloc0 = ids.first("programmes_cohortallocation")
    booking_id = ids.first("programmes_booking")
    entry_id = ids.first("programmes_registerentry")
    evaluation_id = ids.first("programmes_evaluation")
    staff = cat.p_facilitator
    for a, b in itertools.pairwise(cuts.tolist()):
        cn = counts[a:b]
        local, k = _expand(per_target[a:b])
        m = len(local)
        if m == 0:
            continue
        tg = a + local
        category = (k[:, None] >= np.cumsum(cn, axis=1)[local]).sum(axis=1)
        called_off = cat.t_cancelled[tg]
        # Who: walk the target's pool with its stride (distinct people per target).
        pool = cat.t_pool[tg]
        pos = (cat.t_offset[tg] + k * cat.t_stride[tg]) % people.pool_len[pool]
        person = people.pools[people.pool_start[pool] + pos]
        org = people.org[person].copy()
        moved = (rng.random(m) < 0.03) & people.pool_movable[pool] & (org >= 0)
        r = people.region[person[moved]]
        org[moved] = region_orgs_flat[
            region_orgs_start[r] + (rng.random(moved.sum()) * region_orgs_len[r]).astype(int)
        ]
        system = np.where(org >= 0, world.org_system[np.maximum(org, 0)], -1)
        ethnic = np.where(rng.random(m) < 0.01, ETHNIC.index("Z"), people.ethnic[person])
        # When
        start = cat.t_start[tg]
        cancel_at = np.where(called_off, cat.t_cancel_at[tg], np.iinfo(np.int64).max)
        until = np.minimum(np.minimum(start, now), cancel_at)
        hi = np.minimum(np.minimum(start - 2 * HOUR, now - 600), cancel_at - 600)
        lo = np.minimum(start - 100 * DAY, hi - 3 * DAY)
        created = hi - ((hi - lo) * rng.random(m) ** 2).astype(np.int64)
        offered_at = np.full(m, -1)
        expires = np.full(m, -1)
        is_offer = category == OFFER
        offered_at[is_offer] = now - (rng.random(is_offer.sum()) * 40 * HOUR).astype(np.int64)
        is_expired = category == EXPIRE
        span = until[is_expired] - created[is_expired]
        offered_at[is_expired] = created[is_expired] + (rng.random(len(span)) * span).astype(
            np.int64
        )
        later = is_expired & (start > now)
        offered_at[later] = np.minimum(offered_at[later], now - 49 * HOUR)
        offer = is_offer | is_expired
        created[offer] = np.minimum(created[offer], offered_at[offer] - HOUR)
        expires[offer] = np.minimum(offered_at[offer] + 48 * HOUR, start[offer])
        confirmed = (category == HOLD) | (category == CANCEL)
        confirmed_at = np.where(confirmed, created, -1)
        cancelled_at = np.full(m, -1)
        own = category == CANCEL
        late = own & (rng.random(m) < 0.3)
        early_until = np.maximum(np.minimum(until, start - 48 * HOUR), created + 60)
        cancelled_at[own] = created[own] + (
            rng.random(own.sum()) * (early_until[own] - created[own])
        ).astype(np.int64)
        cancelled_at[late] = start[late] - (rng.random(late.sum()) * 47 * HOUR).astype(np.int64)
        cancelled_at[own] = np.clip(cancelled_at[own], created[own] + 60, until[own])
        left = (category == REMOVE) | (category == QUEUE_CANCEL)
        cancelled_at[left] = created[left] + (
            rng.random(left.sum()) * (until[left] - created[left])
        ).astype(np.int64)
        swept = called_off & np.isin(category, [HOLD, OFFER, WAIT])
        cancelled_at[swept] = cancel_at[swept]
        late_flag = own & (start - cancelled_at < 48 * HOUR)
        # Waiting list positions: offers first, then the queue in order of joining.
        position = np.full(m, -1)
        position[is_offer] = (k - cn[:, :OFFER].sum(axis=1)[local] + 1)[is_offer]
        waiting = np.flatnonzero(category == WAIT)
        waiting = waiting[np.lexsort((created[waiting], tg[waiting]))]
        position[waiting] = cn[local[waiting], OFFER] + _ranks(tg[waiting]) + 1
        # Places counted against a system allocation.
        cohort = cat.t_cohort[tg]
        shared = _take(cat.c_allocations, cohort, False) & (system >= 0)
        shared &= world.system_region[np.maximum(system, 0)] == c_region[np.maximum(cohort, 0)]
        shared &= confirmed | is_offer
        allocation = np.full(m, -1)
        allocation[shared] = alloc_first[cohort[shared]] + system_rank[system[shared]]
        holding = shared & ~called_off & ((category == HOLD) | is_offer)
        np.add.at(alloc_taken, allocation[holding], 1)
        changed = np.maximum.reduce([created, confirmed_at, cancelled_at, offered_at])
        b = {
            "tg": tg, "category": category, "person": person, "org": org, "system": system,
            "ethnic": ethnic, "created": created, "confirmed_at": confirmed_at,
            "cancelled_at": cancelled_at, "late": late_flag, "position": position,
            "allocation": allocation, "offered_at": offered_at, "expires": expires,
            "changed": changed, "cohort": cohort,
            "source": (created < first_year_end).astype(np.int64),
        }  # fmt: skip
        # Numbered by shape (for the binary blocks), then in order of creation.
        order = np.lexsort((created, _booking_rows(world, cat, people, b, alloc0, user0).shape()))
        b = {name: values[order] for name, values in b.items()}
        tg, category, cohort, confirmed_at = b["tg"], b["category"], b["cohort"], b["confirmed_at"]
        numbers = booking_id + np.arange(m)
        booking_id += m
        yield _Batch(
            "programmes_booking",
            ("id", "person_id", "session_id", "cohort_id", "status", "source", "created_at",
             "confirmed_at", "cancelled_at", "late_cancellation", "waitlist_position",
             "allocation_id", "offered_at", "offer_expires_at", "system_id", "organisation_id",
             "band", "staff_group", "ethnic_category", "disability", "sex", "changed_at"),
            _booking_rows(world, cat, people, b, alloc0, user0, numbers).encode(),
            m,
            binary=True,
        )  # fmt: skip
        called_off = cat.t_cancelled[tg]
        session = cat.t_session[tg]
        # Register entries: every booking that was ever confirmed, one per session covered.
        held = np.flatnonzero((category == HOLD) | (category == CANCEL))
        single = session[held] >= 0
        n_sess = np.where(single, 1, _take(cat.c_count, cohort[held], 1))
        owner, j = _expand(n_sess)
        rows = held[owner]
        entry_session = session[rows]
        whole = ~single[owner]
        entry_session[whole] = cat.c_sessions[cat.c_first[cohort[rows[whole]]] + j[whole]]
        e = len(rows)
        markable = (category[rows] == HOLD) & ~called_off[rows]
        markable &= cat.s_status[entry_session] == 1
        draw = rng.random(e)
        attendance = np.where(markable, np.where(draw < 0.85, 1, np.where(draw < 0.95, 2, 0)), 0)
        recorded = attendance > 0
        recorded_at = np.where(
            recorded,
            np.minimum(cat.s_end[entry_session] + rng.integers(600, 2 * DAY, e), now - 60),
            -1,
        )
        recorder = cat.s_facilitator[entry_session]
        recorded_by = np.where(recorded & (recorder >= 0), user0 + recorder, -1)
        r = {
            "row": rows, "booking": numbers[rows], "session": cat.session_ids[entry_session],
            "attendance": attendance, "recorded_at": recorded_at, "recorded_by": recorded_by,
            "changed": np.where(recorded, recorded_at, confirmed_at[rows]),
            "end": cat.s_end[entry_session],
        }  # fmt: skip
        order = np.lexsort((rows, _entry_rows(r).shape()))
        r = {name: values[order] for name, values in r.items()}
        yield _Batch(
            "programmes_registerentry",
            ("id", "booking_id", "session_id", "attendance", "recorded_at", "recorded_by_id",
             "changed_at"),
            _entry_rows(r, entry_id + np.arange(e)).encode(),
            e,
            binary=True,
        )  # fmt: skip
        entry_id += e
        # Evaluations from about a third of the bookings with an attendance.
        attended = r["attendance"] == 1
        last_end = np.full(m, -1)
        np.maximum.at(last_end, r["row"][attended], r["end"][attended])
        chosen = np.flatnonzero((last_end > 0) & (rng.random(m) < 0.3))
        v = len(chosen)
        if v:
            submitted = np.minimum(last_end[chosen] + rng.integers(HOUR, 10 * DAY, v), now - 60)
            rating = 1 + _choice(rng, v, [2, 4, 14, 38, 42])
            has_comment = rng.random(v) < 0.6
            comment = np.where(has_comment, rng.integers(0, len(QUOTES), v) + 1, 0)
            differently = (rng.random(v) < 0.5).astype(np.int64)
            approved = has_comment & (rating >= 4) & (rng.random(v) < 0.25)
            approved_at = np.where(
                approved, np.minimum(submitted + rng.integers(DAY, 20 * DAY, v), now - 60), -1
            )
            approver = np.where(approved, user0 + staff[rng.integers(0, len(staff), v)], -1)
            ev = {
                "booking": numbers[chosen], "rating": rating, "differently": differently,
                "comment": comment, "submitted": submitted, "approved": approved,
                "approver": approver, "approved_at": approved_at,
            }  # fmt: skip
            order = np.lexsort((chosen, _evaluation_rows(ev).shape()))
            ev = {name: values[order] for name, values in ev.items()}
            yield _Batch(
                "programmes_evaluation",
                ("id", "booking_id", "rating", "will_do_differently", "comments",
                 "submitted_at", "approved_for_publication", "approved_by_id", "approved_at"),
                _evaluation_rows(ev, evaluation_id + np.arange(v)).encode(),
                v,
                binary=True,
            )  # fmt: skip
            evaluation_id += v
    # Allocations, now that the places they hold are counted.
    owner, rank = _expand(n_alloc)
    region_first_system = np.cumsum(systems_in) - systems_in
    system_of = region_first_system[c_region[owner]] + rank
    base_places = np.maximum(1, cat.c_cap[owner] // np.maximum(systems_in[c_region[owner]], 1))
    places = np.maximum(base_places, alloc_taken)
    yield _Batch(
        "programmes_cohortallocation",
        ("id", "cohort_id", "system_id", "places", "taken"),
        text.rows([
            text.num(ids.first("programmes_cohortallocation") + np.arange(len(owner))),
            text.num(cat.cohort_ids[owner]), text.num(world.systems[system_of]),
            text.num(places), text.num(alloc_taken),
        ]),
        len(owner),
    )  # fmt: skip


def _booking_rows(world, cat, people, b: dict, alloc0: int, user0: int, numbers=None) -> _Binary:
    rows = _Binary()
    if numbers is not None:
        rows.int8(numbers)
    person, allocation = b["person"], b["allocation"]
    return (
        rows.int8(user0 + person)
        .int8(_take(cat.session_ids, cat.t_session[b["tg"]]))
        .int8(_take(cat.cohort_ids, b["cohort"]))
        .text(STATUS_LUT, b["category"] * 2 + cat.t_cancelled[b["tg"]])
        .text(["portal", "import"], b["source"])
        .stamp(b["created"]).stamp(b["confirmed_at"]).stamp(b["cancelled_at"])
        .flag(b["late"]).int4(b["position"])
        .int8(np.where(allocation >= 0, alloc0 + allocation, -1))
        .stamp(b["offered_at"]).stamp(b["expires"])
        .int8(_take(world.systems, b["system"])).int8(_take(world.orgs, b["org"]))
        .text(BANDS, people.band[person]).text(STAFF_GROUPS, people.group[person])
        .text(ETHNIC, b["ethnic"]).text(DISABILITIES, people.disability[person])
        .text(SEXES, people.sex[person]).stamp(b["changed"])
    )  # fmt: skip


def _entry_rows(r: dict, numbers=None) -> _Binary:
    rows = _Binary()
    if numbers is not None:
        rows.int8(numbers)
    return (
        rows.int8(r["booking"]).int8(r["session"])
        .text(["", "attended", "did_not_attend"], r["attendance"]).stamp(r["recorded_at"])
        .int8(r["recorded_by"]).stamp(r["changed"])
    )  # fmt: skip


def _evaluation_rows(ev: dict, numbers=None) -> _Binary:
    rows = _Binary()
    if numbers is not None:
        rows.int8(numbers)
    return (
        rows.int8(ev["booking"]).int2(ev["rating"])
        .text(["", "Make more time to listen to my team."], ev["differently"])
        .text(["", *QUOTES], ev["comment"]).stamp(ev["submitted"]).flag(ev["approved"])
        .int8(ev["approver"]).stamp(ev["approved_at"])
    )  # fmt: skip


def _coaching(world: _World, people: _People, text: _Text, ids: _Ids) -> Iterator[_Batch]:
    """Practitioners, applications, relationships and logged sessions: about one
    relationship per 50 bookings, coaching and mentoring."""
    rng = np.random.default_rng([world.seed, 6])
    now, today = world.now, world.today
    user0 = ids.first("directory_user")
    first_day = _days(_fy_start(world.years[0]))
    n_rel = max(20, round(world.bookings / BOOKINGS_PER_RELATIONSHIP))
    n_prac = max(10, round(world.bookings / BOOKINGS_PER_PRACTITIONER))
    n_pending = max(2, n_rel // 30)
    n_prac = min(n_prac, people.n // 4)
    chosen = rng.choice(people.n, size=min(people.n, n_prac + n_rel + n_pending), replace=False)
    prac_people, clients = chosen[:n_prac], chosen[n_prac:]
    # Practitioners
    offer = _choice(rng, n_prac, [55, 20, 25])  # coach, mentor, both
    coaches, mentors = offer != 1, offer != 0
    approved = rng.random(n_prac) < 0.95
    approved_on = _between(rng, first_day - 365, today - 7, n_prac)
    submitted_on = approved_on - rng.integers(7, 60, n_prac)
    recent = ~approved
    submitted_on[recent] = today - rng.integers(1, 30, recent.sum())
    prac_ids = ids.first("coaching_practitioner") + np.arange(n_prac)
    modes = ["{video}", "{video,phone}", "{video,phone,in_person}", "{in_person}", "{phone}"]
    yield _Batch(
        "coaching_practitioner",
        ("id", "user_id", "coaches", "mentors", "experience", "modes", "languages", "capacity",
         "is_open", "biography", "status", "submitted_on", "approved_on"),
        text.rows([
            text.num(prac_ids), text.num(user0 + prac_people), text.flag(coaches),
            text.flag(mentors), text.same("Experienced leader and accredited practitioner."),
            text.pick(modes, _choice(rng, n_prac, [30, 35, 25, 5, 5])),
            text.pick(["{English}", "{English,Punjabi}", "{English,Urdu}", "{English,Polish}"],
                      _choice(rng, n_prac, [85, 6, 5, 4])),
            text.num(rng.integers(2, 6, n_prac)), text.flag(rng.random(n_prac) < 0.85),
            text.same("Supports colleagues across the region."),
            text.pick(["submitted", "approved"], approved.astype(np.int8)),
            text.dates_(submitted_on), text.dates_(np.where(approved, approved_on, -1)),
        ]),
        n_prac,
    )  # fmt: skip
    themes = np.array(world.themes)
    k = min(3, len(themes))
    theme_pick = np.argsort(rng.random((n_prac, len(themes))), axis=1)[:, :k].ravel()
    yield _Batch(
        "coaching_practitioner_themes",
        ("id", "practitioner_id", "theme_id"),
        text.rows([
            text.num(ids.first("coaching_practitioner_themes") + np.arange(n_prac * k)),
            text.num(np.repeat(prac_ids, k)), text.num(themes[theme_pick]),
        ]),
        n_prac * k,
    )  # fmt: skip
    yield _Batch(
        "coaching_qualification",
        ("id", "practitioner_id", "body", "level", "awarded_on", "evidence"),
        text.rows([
            text.num(ids.first("coaching_qualification") + np.arange(n_prac)),
            text.num(prac_ids),
            text.pick(["EMCC", "ICF", "ILM", "AoEC"], rng.integers(0, 4, n_prac)),
            text.pick(["Level 7", "Senior Practitioner", "Associate"], rng.integers(0, 3, n_prac)),
            text.dates_(submitted_on - rng.integers(100, 3000, n_prac)), text.same(""),
        ]),
        n_prac,
    )  # fmt: skip
    supervised = np.r_[today - rng.integers(10, 400, n_prac), today - rng.integers(10, 300, n_prac)]
    yield _Batch(
        "coaching_developmentrecord",
        ("id", "practitioner_id", "type", "held_on", "hours", "description"),
        text.rows([
            text.num(ids.first("coaching_developmentrecord") + np.arange(2 * n_prac)),
            text.num(np.r_[prac_ids, prac_ids]),
            text.pick(["supervision", "cpd"], np.repeat([0, 1], n_prac)),
            text.dates_(supervised), text.pick(["1.50", "3.00"], np.repeat([0, 1], n_prac)),
            text.pick(["", "Coaching supervision skills workshop"], np.repeat([0, 1], n_prac)),
        ]),
        2 * n_prac,
    )  # fmt: skip
    grants = np.r_[np.flatnonzero(approved & coaches), np.flatnonzero(approved & mentors)]
    roles = np.r_[
        np.zeros((approved & coaches).sum(), int), np.ones((approved & mentors).sum(), int)
    ]
    yield _Batch(
        "directory_roleassignment",
        ("id", "user_id", "role", "scheme", "granted_at"),
        text.rows([
            text.num(ids.first("directory_roleassignment") + np.arange(len(grants))),
            text.num(user0 + prac_people[grants]), text.pick(["coach", "mentor"], roles),
            text.same(""), text.stamps(approved_on[grants] * DAY + 10 * HOUR),
        ]),
        len(grants),
    )  # fmt: skip
    # Relationships, each from an approved application.
    rel_clients = clients[:n_rel]
    kind = (rng.random(n_rel) < 0.35).astype(np.int64)  # 0 coaching, 1 mentoring
    offers = [np.flatnonzero(approved & coaches), np.flatnonzero(approved & mentors)]
    for x in (0, 1):
        if len(offers[x]) == 0:
            offers[x] = np.flatnonzero(approved)
    practitioner = np.empty(n_rel, dtype=np.int64)
    for x in (0, 1):
        mine = np.flatnonzero(kind == x)
        practitioner[mine] = offers[x][rng.integers(0, len(offers[x]), len(mine))]
    requested = _between(rng, first_day - 60, today - 1, n_rel)
    declined = rng.random(n_rel) < 0.07
    started = requested + rng.integers(2, 15, n_rel)
    waiting = ~declined & (started > today)
    started_ok = ~declined & ~waiting
    length = rng.integers(90, 300, n_rel)
    withdrawn = rng.random(n_rel) < 0.15
    ended = np.where(withdrawn, started + rng.integers(20, 90, n_rel), started + length)
    finished = started_ok & (ended <= today)
    status = np.select(
        [declined, waiting, finished & withdrawn, finished], [3, 0, 4, 2], default=1
    )  # requested, active, completed, declined, withdrawn
    submitted = requested - rng.integers(5, 30, n_rel)
    app_approved = np.minimum(submitted + rng.integers(1, 10, n_rel), requested)
    # Applications: one per relationship, plus some waiting or declined.
    pending = clients[n_rel:]
    n_app = n_rel + len(pending)
    app_ids = ids.first("coaching_application") + np.arange(n_app)
    p_kind = (rng.random(len(pending)) < 0.35).astype(np.int64)
    p_status = np.where(rng.random(len(pending)) < 0.6, 0, 2)  # submitted, declined
    p_submitted = today - rng.integers(1, 60, len(pending))
    kinds = ["coaching", "mentoring"]
    yield _Batch(
        "coaching_application",
        ("id", "client_id", "kind", "goals", "mode", "language", "prefers_other_system",
         "line_manager_agrees", "status", "submitted_on", "approved_on"),
        text.rows([
            text.num(app_ids), text.num(user0 + np.r_[rel_clients, pending]),
            text.pick(kinds, np.r_[kind, p_kind]),
            text.same("Build confidence as a new senior leader."),
            text.pick(["video", "phone", ""], rng.integers(0, 3, n_app)), text.same(""),
            text.flag(rng.random(n_app) < 0.2), text.same("t"),
            text.pick(["submitted", "approved", "declined"], np.r_[np.ones(n_rel, int), p_status]),
            text.dates_(np.r_[submitted, p_submitted]),
            text.dates_(np.r_[app_approved, np.full(len(pending), -1)]),
        ]),
        n_app,
    )  # fmt: skip
    # Logged sessions, every few weeks from the start to the end (or today).
    stop = np.where(started_ok, np.minimum(np.where(finished, ended, today), today), 0)
    room = np.where(started_ok, (stop - started - 7) // 21 + 1, 0)
    n_logged = np.minimum(rng.poisson(5.5, n_rel), np.maximum(room, 0))
    owner, j = _expand(n_logged)
    held_on = started[owner] + 7 + j * 21 + rng.integers(-3, 4, len(owner))
    held_on = np.minimum(np.maximum(held_on, started[owner]), stop[owner])
    last = np.full(n_rel, -1)
    np.maximum.at(last, owner, held_on)
    last_activity = np.where(started_ok, np.where(last >= 0, last, started), -1)
    rel_ids = ids.first("coaching_relationship") + np.arange(n_rel)
    rel_status = ["requested", "active", "completed", "declined", "withdrawn"]
    yield _Batch(
        "coaching_relationship",
        ("id", "kind", "practitioner_id", "client_id", "application_id", "status",
         "requested_on", "respond_by", "started_on", "ended_on", "goals", "agreed_sessions",
         "decline_reason", "reference", "last_activity_on"),
        text.rows([
            text.num(rel_ids), text.pick(kinds, kind), text.num(prac_ids[practitioner]),
            text.num(user0 + rel_clients), text.num(app_ids[:n_rel]),
            text.pick(rel_status, status), text.dates_(requested), text.dates_(requested + 14),
            text.dates_(np.where(started_ok, started, -1)),
            text.dates_(np.where(finished, ended, -1)),
            text.same("Agreed at contracting."), text.num(rng.integers(4, 9, n_rel)),
            text.pick(["", "No capacity at the moment."], declined.astype(np.int8)),
            text.same(""), text.dates_(last_activity),
        ]),
        n_rel,
    )  # fmt: skip
    nl = len(owner)
    logged_at = np.minimum(held_on * DAY + rng.integers(9 * HOUR, 3 * DAY, nl), now - 60)
    yield _Batch(
        "coaching_loggedsession",
        ("id", "relationship_id", "held_on", "hours", "mode", "confirmed_by_client",
         "logged_at"),
        text.rows([
            text.num(ids.first("coaching_loggedsession") + np.arange(nl)),
            text.num(rel_ids[owner]), text.dates_(held_on),
            text.pick(["0.75", "1.00", "1.50", "2.00"], _choice(rng, nl, [15, 55, 20, 10])),
            text.pick(["video", "phone", "in_person"], _choice(rng, nl, [60, 25, 15])),
            text.flag(rng.random(nl) < 0.7), text.stamps(logged_at),
        ]),
        nl,
    )  # fmt: skip


def _talent(world: _World, people: _People, text: _Text, ids: _Ids) -> Iterator[_Batch]:
    """Nomination windows and nominations, the aspirant director pool, EDP and HPS cohorts
    with participants, and GMTS trainees: a few thousand rows at national scale."""
    rng = np.random.default_rng([world.seed, 7])
    today = world.today
    user0 = ids.first("directory_user")
    regions = len(world.regions)
    years = world.years
    per_region_year = max(10, round(90 * world.bookings / 10_000_000))
    # Distinct people for every talent record: senior staff of each region first.
    taken = np.zeros(people.n, bool)

    def pick(region: int, n: int, kind: str = "senior") -> np.ndarray:
        found = []
        for pool_kind in (kind, "region"):
            pool = people.pool_index[(pool_kind, region)]
            start = people.pool_start[pool]
            members = people.pools[start : start + people.pool_len[pool]]
            members = members[~taken[members] & (people.org[members] >= 0)]
            got = members[rng.permutation(len(members))[: n - sum(map(len, found))]]
            taken[got] = True
            found.append(got)
            if sum(map(len, found)) >= n:
                break
        return np.concatenate(found)

    # Windows: one a year, open in September and October.
    window_ids = ids.first("talentpools_nominationwindow") + np.arange(len(years))
    opens = np.array([_days(date(y, 9, 1)) for y in years])
    closes = np.array([_days(date(y, 10, 15)) for y in years])
    yield _Batch(
        "talentpools_nominationwindow",
        ("id", "name", "opens_on", "closes_on", "created_at"),
        text.rows([
            text.num(window_ids), [f"{y} nominations" for y in years], text.dates_(opens),
            text.dates_(closes), text.stamps((opens - 30) * DAY + 10 * HOUR),
        ]),
        len(years),
    )  # fmt: skip
    nominee, n_region, n_year = [], [], []
    for r in range(regions):
        for y in range(len(years)):
            if opens[y] > today:
                continue
            got = pick(r, per_region_year)
            nominee.append(got)
            n_region.append(np.full(len(got), r))
            n_year.append(np.full(len(got), y))
    nominee = np.concatenate(nominee)
    n_year = np.concatenate(n_year)
    n_nom = len(nominee)
    route = (rng.random(n_nom) < 0.35).astype(np.int64)  # 0 nominated, 1 self
    nominator = np.where(route == 0, user0 + rng.integers(0, people.n, n_nom), -1)
    submitted = opens[n_year] + (rng.random(n_nom) * (closes[n_year] - opens[n_year])).astype(int)
    decided_on = closes[n_year] + rng.integers(14, 40, n_nom)
    undecided = decided_on > today
    decision = _choice(rng, n_nom, [45, 30, 25]) + 1  # accepted, not yet, declined
    decision[undecided] = 0
    decided_on[undecided] = -1
    org = people.org[nominee]
    system = people.system[nominee]
    nom_ids = ids.first("talentpools_nomination") + np.arange(n_nom)
    family = rng.integers(0, len(ROLE_FAMILIES), n_nom)
    readiness = rng.integers(0, 2, n_nom)
    yield _Batch(
        "talentpools_nomination",
        ("id", "window_id", "nominee_id", "route", "nominated_by_id", "organisation_id",
         "system_id", "role_family", "readiness", "evidence", "sponsor_name",
         "sponsor_job_title", "sponsor_endorsed", "status", "feedback", "decided_on",
         "submitted_on"),
        text.rows([
            text.num(nom_ids), text.num(window_ids[n_year]), text.num(user0 + nominee),
            text.pick(["nominated", "self"], route), text.num(nominator),
            text.num(world.orgs[org]), text.num(world.systems[system]),
            text.pick(ROLE_FAMILIES, family), text.pick(["ready_now", "one_to_two"], readiness),
            text.same("Leads a large service through change; acts up at board level."),
            text.same("Chief Executive"), text.same("Chief Executive"), text.same("t"),
            text.pick(["submitted", "accepted", "not_yet", "declined"], decision),
            text.pick(["", "Strong evidence; more board exposure next year."],
                      (decision == 2).astype(np.int8)),
            text.dates_(decided_on), text.dates_(submitted),
        ]),
        n_nom,
    )  # fmt: skip
    # The pool: accepted nominees, and members from before the first window.
    accepted = np.flatnonzero(decision == 1)
    early = [pick(r, max(5, per_region_year // 3)) for r in range(regions)]
    early = np.concatenate(early)
    first_day = _days(_fy_start(years[0]))
    member = np.r_[nominee[accepted], early]
    joined = np.r_[decided_on[accepted], first_day - rng.integers(30, 700, len(early))]
    nomination = np.r_[nom_ids[accepted], np.full(len(early), -1)]
    m_route = np.r_[route[accepted], (rng.random(len(early)) < 0.3).astype(np.int64)]
    m_family = np.r_[family[accepted], rng.integers(0, len(ROLE_FAMILIES), len(early))]
    m_ready = np.r_[readiness[accepted], rng.integers(0, 2, len(early))]
    nm = len(member)
    left = joined + rng.integers(120, 900, nm)
    leaves = (rng.random(nm) < 0.45) & (left <= today)
    reason = np.where(leaves, _choice(rng, nm, [50, 40, 10]) + 1, 0)
    yield _Batch(
        "talentpools_poolmembership",
        ("id", "pool", "member_id", "route", "nomination_id", "organisation_id", "system_id",
         "role_family", "readiness", "joined_on", "left_on", "leave_reason", "leave_note"),
        text.rows([
            text.num(ids.first("talentpools_poolmembership") + np.arange(nm)),
            text.same("aspirant_directors"), text.num(user0 + member),
            text.pick(["nominated", "self"], m_route), text.num(nomination),
            text.num(world.orgs[people.org[member]]),
            text.num(world.systems[people.system[member]]), text.pick(ROLE_FAMILIES, m_family),
            text.pick(["ready_now", "one_to_two"], m_ready), text.dates_(joined),
            text.dates_(np.where(leaves, left, -1)), text.pick(["", *LEAVE_REASONS], reason),
            text.same(""),
        ]),
        nm,
    )  # fmt: skip
    # EDP and HPS cohorts, one of each per region and year.
    cohorts = [(s, r, y) for r in range(regions) for y in range(len(years)) for s in (0, 1)]
    scheme = np.array([c[0] for c in cohorts])
    c_region = np.array([c[1] for c in cohorts])
    c_year = np.array([c[2] for c in cohorts])
    starts = np.array([_days(date(years[y], 10, 1)) for y in c_year])
    ends = starts + np.where(scheme == 0, 365, 730)
    cohort_ids = ids.first("talentpools_schemecohort") + np.arange(len(cohorts))
    names = [f"{('EDP', 'HPS')[s]} {world.region_names[r]} {years[y]}" for s, r, y in cohorts]
    yield _Batch(
        "talentpools_schemecohort",
        ("id", "scheme", "name", "starts_on", "ends_on"),
        text.rows([
            text.num(cohort_ids), text.pick(["edp", "hps"], scheme), names,
            text.dates_(starts), text.dates_(ends),
        ]),
        len(cohorts),
    )  # fmt: skip
    hps = np.flatnonzero(scheme == 1)
    first_system = np.array([np.flatnonzero(world.system_region == r)[0] for r in c_region[hps]])
    yield _Batch(
        "talentpools_schemecohort_systems",
        ("id", "schemecohort_id", "integratedcaresystem_id"),
        text.rows([
            text.num(ids.first("talentpools_schemecohort_systems") + np.arange(len(hps))),
            text.num(cohort_ids[hps]), text.num(world.systems[first_system]),
        ]),
        len(hps),
    )  # fmt: skip
    size = np.where(scheme == 0, 20, 25)
    started = starts <= today
    size = np.where(started, size, 0)
    person = np.concatenate(
        [pick(r, n) for r, n in zip(c_region.tolist(), size.tolist(), strict=True)]
    )
    owner, _ = _expand(size)
    owner = owner[: len(person)]
    np_ = len(person)
    finished = ends[owner] <= today
    withdrew = rng.random(np_) < 0.1
    p_status = np.where(withdrew, 2, np.where(finished, 1, 0))  # active, completed, withdrew
    p_left = np.where(withdrew, np.minimum(starts[owner] + rng.integers(30, 300, np_), today), -1)
    outcome = np.where(p_status == 1, _choice(rng, np_, [30, 30, 20, 20]) + 1, 0)
    outcome_on = np.where(
        outcome > 0, np.minimum(ends[owner] + rng.integers(0, 200, np_), today), -1
    )
    yield _Batch(
        "talentpools_schemeparticipant",
        ("id", "cohort_id", "person_id", "system_id", "target_role", "status", "left_on",
         "coach", "mentor", "sponsor", "action_learning_facilitator", "outcome", "outcome_on",
         "outcome_role", "outcome_organisation"),
        text.rows([
            text.num(ids.first("talentpools_schemeparticipant") + np.arange(np_)),
            text.num(cohort_ids[owner]), text.num(user0 + person),
            text.num(world.systems[people.system[person]]),
            text.pick(ROLE_FAMILIES, rng.integers(0, len(ROLE_FAMILIES), np_)),
            text.pick(["active", "completed", "withdrew"], p_status), text.dates_(p_left),
            text.same(""), text.same(""), text.same(""), text.same(""),
            text.pick(["", "appointed", "new_role", "promotion", "no_change"], outcome),
            text.dates_(outcome_on), text.same(""), text.same(""),
        ]),
        np_,
    )  # fmt: skip
    # GMTS trainees: a September intake a year in each region, hosted across its systems.
    intakes = [(r, y) for r in range(regions) for y in range(len(years))
               if _days(date(years[y], 9, 1)) <= today]  # fmt: skip
    trainee = np.concatenate([pick(r, 20, "region") for r, _ in intakes])
    t_owner, _ = _expand(np.full(len(intakes), 20))
    t_owner = t_owner[: len(trainee)]
    nt = len(trainee)
    t_region = np.array([intakes[i][0] for i in t_owner])
    intake = np.array([_days(date(years[intakes[i][1]], 9, 1)) for i in t_owner])
    org_region = world.system_region[world.org_system]
    hosts = [np.flatnonzero(org_region == r) for r in range(regions)]
    draws = rng.integers(0, 1000, nt).tolist()
    host = np.array(
        [hosts[r][x % len(hosts[r])] for r, x in zip(t_region.tolist(), draws, strict=True)]
    )
    due = intake + 730
    withdrew = rng.random(nt) < 0.08
    done = due <= today
    t_status = np.where(withdrew, 2, np.where(done, 1, 0))  # in training, completed, withdrew
    completed_on = np.where(
        withdrew, np.minimum(intake + rng.integers(60, 600, nt), today), np.where(done, due, -1)
    )
    t_status = np.where(completed_on > today, 0, t_status)
    completed_on = np.where(t_status == 0, -1, completed_on)
    destination = np.where(t_status == 1, _choice(rng, nt, [10, 80, 10]), 0)
    yield _Batch(
        "talentpools_trainee",
        ("id", "person_id", "intake", "specialism", "host_organisation_id", "support_manager",
         "status", "completed_on", "destination"),
        text.rows([
            text.num(ids.first("talentpools_trainee") + np.arange(nt)), text.num(user0 + trainee),
            text.dates_(intake), text.pick(SPECIALISMS, _choice(rng, nt, [55, 15, 15, 15])),
            text.num(world.orgs[host]), text.same(""),
            text.pick(["in_training", "completed", "withdrew"], t_status),
            text.dates_(completed_on), text.pick(["", "nhs_employment", "other"], destination),
        ]),
        nt,
    )  # fmt: skip


# Loading ----------------------------------------------------------------------------------

TABLES = [
    "directory_user",
    "directory_profile",
    "directory_equalitymonitoring",
    "directory_roleassignment",
    "programmes_programme",
    "programmes_programme_eligible_sectors",
    "programmes_programme_eligible_systems",
    "programmes_module",
    "programmes_cohort",
    "programmes_session",
    "programmes_booking",
    "programmes_registerentry",
    "programmes_evaluation",
    "programmes_cohortallocation",
    "coaching_practitioner",
    "coaching_practitioner_themes",
    "coaching_qualification",
    "coaching_developmentrecord",
    "coaching_application",
    "coaching_relationship",
    "coaching_loggedsession",
    "talentpools_nominationwindow",
    "talentpools_nomination",
    "talentpools_poolmembership",
    "talentpools_schemecohort",
    "talentpools_schemecohort_systems",
    "talentpools_schemeparticipant",
    "talentpools_trainee",
]
KEYED_BY_USER = {"directory_profile", "directory_equalitymonitoring"}
# Audit triggers (django-pghistory) that would write a history row per generated row, and the
# summaries' change logs (the summaries are rebuilt from the loaded rows afterwards).
SKIPPED_TRIGGERS = [
    "coaching.Relationship:insert_insert",
    "talentpools.Nomination:insert_insert",
    "talentpools.PoolMembership:insert_insert",
    "directory.RoleAssignment:insert_insert",
    "coaching.Relationship:relationship_figures",
    "coaching.LoggedSession:logged_session_figures",
    "coaching.Application:application_figures",
    "coaching.Practitioner:practitioner_figures",
    "directory.Profile:person_moved",
]


class ScaleError(Exception):
    """The database is not in a state the generator can fill."""


class _Schema:
    """Drops the loaded tables' secondary indexes, unique and foreign-key constraints, and
    puts every one of them back (validated) afterwards."""

    def __init__(self, cursor, tables: list[str]):
        self.cursor = cursor
        self.tables = tables
        cursor.execute(
            "SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' "
            "AND (conrelid = ANY(%s::regclass[]) OR confrelid = ANY(%s::regclass[])) "
            "ORDER BY conrelid::regclass::text, conname",
            [tables, tables],
        )
        self.foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype IN ('u', 'x') AND conrelid = ANY(%s::regclass[]) "
            "ORDER BY conrelid::regclass::text, conname",
            [tables],
        )
        self.unique = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, i.indrelid::regclass::text, "
            "pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid "
            "AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')) "
            "ORDER BY i.indrelid::regclass::text, 1",
            [tables],
        )
        self.indexes = cursor.fetchall()

    def drop(self) -> None:
        for name, table, _ in self.foreign_keys + self.unique:
            self.cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _, _ in self.indexes:
            self.cursor.execute(f"DROP INDEX {name}")

    def restore(self, out) -> None:
        by_table: dict[str, list[str]] = {}
        for _, table, sql in self.indexes:
            by_table.setdefault(table, []).append(sql)
        for name, table, definition in self.unique:
            by_table.setdefault(table, []).append(
                f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
            )
        for table, statements in by_table.items():
            started = time.monotonic()
            for sql in statements:
                self.cursor.execute(sql)
            out(f"  {table}: {len(statements)} indexes in {time.monotonic() - started:.1f}s")
        started = time.monotonic()
        for name, table, definition in self.foreign_keys:
            self.cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        took = time.monotonic() - started
        out(f"  {len(self.foreign_keys)} foreign keys validated in {took:.1f}s")


class _Once:
    """A file-like object for COPY that hands over one buffer in one read."""

    def __init__(self, data: bytes):
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = self.data, b""
        return data


def _produce(batches: Iterator, out_queue: queue.Queue, stop: threading.Event) -> None:
    try:
        for item in batches:
            while not stop.is_set():
                try:
                    out_queue.put(item, timeout=0.5)
                    break
                except queue.Full:
                    continue
            if stop.is_set():
                return
        out_queue.put(None)
    except BaseException as exc:  # handed to the loading thread, which raises it
        out_queue.put(exc)


@dataclass
class Options:
    bookings: int = 10_000_000
    years: int = 5
    regions: int = 7
    seed: int = 20261122
    replace: bool = False
    now: datetime | None = None


def generate(options: Options, *, out: Callable[[str], None] = print) -> dict[str, int]:
    """Fill the database; returns the rows written per table."""
    if options.bookings < 1 or not 1 <= options.regions <= len(REGIONS) or options.years < 1:
        raise ScaleError("Need at least one booking, 1 to 7 regions and at least one year.")
    began = time.monotonic()
    last = [began]

    def stage(message: str) -> None:
        now_ = time.monotonic()
        out(f"[{now_ - began:7.1f}s] {message} (+{now_ - last[0]:.1f}s)")
        last[0] = now_

    now = (options.now or timezone.now()).replace(microsecond=0)
    local_today = timezone.localtime(now, LONDON).date()
    current = local_today.year if local_today.month >= 4 else local_today.year - 1
    world = _World(
        seed=options.seed, bookings=options.bookings,
        years=list(range(current - options.years + 1, current + 1)), now=_secs(now),
        today=_days(local_today),
    )  # fmt: skip
    with pgtrigger.ignore(*SKIPPED_TRIGGERS), transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute("SELECT EXISTS (SELECT 1 FROM programmes_programme)")
        if cur.fetchone()[0]:
            if not options.replace:
                raise ScaleError(
                    "The database already holds programmes: use --replace to empty the "
                    "generated tables first."
                )
            cur.execute(
                f"TRUNCATE directory_organisation, {', '.join(TABLES)} RESTART IDENTITY CASCADE"
            )
            stage("emptied the generated tables")
        _reference(world, options.regions, lambda m: stage(f"reference data: {m}"))
        for table in TABLES:
            key = "user_id" if table in KEYED_BY_USER else "id"
            cur.execute(f"SELECT COALESCE(MAX({key}), 0) FROM {table}")  # noqa: S608 - ours
            world.base[table] = cur.fetchone()[0]
        empty = {t for t in TABLES if world.base[t] == 0 and not _has_rows(cur, t)}
        ids = _Ids(world.base)
        cal = _Calendar(world.years)
        people = _people(np.random.default_rng([world.seed, 1]), world)
        cat = plan(world, cal, people, stage)
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check the reference rows' keys now
        schema = _Schema(cur, TABLES)
        schema.drop()
        for table in sorted(empty):
            cur.execute(f"TRUNCATE {table}")  # in this transaction: COPY may FREEZE it
        stage(
            f"dropped {len(schema.indexes)} indexes, {len(schema.unique)} unique and "
            f"{len(schema.foreign_keys)} foreign-key constraints"
        )
        # Ids and small numbers are written from one lookup table of strings.
        max_int = max(world.base.values()) + max(people.n, len(cat.s_start), options.bookings // 8)
        text = _Text(cal.first - 4000, cal.last + 400, max_int)
        batches = itertools.chain(
            _users(world, people, text, ids),
            [_Stage("people")],
            _catalogue_rows(world, cat, people, text, ids),
            [_Stage("catalogue")],
            _bookings(world, cat, people, text, ids),
            [_Stage("bookings, register entries, evaluations, allocations")],
            _coaching(world, people, text, ids),
            [_Stage("coaching and mentoring")],
            _talent(world, people, text, ids),
            [_Stage("talent pools and schemes")],
        )
        totals = _load(cur, batches, empty, stage)
        stage("loaded")
        schema.restore(out)
        stage("indexes and constraints recreated")
        for table in TABLES:
            if table in KEYED_BY_USER:
                continue
            cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cur.fetchone()[0]
            if sequence:
                cur.execute(
                    f"SELECT setval(%s, COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}",  # noqa: S608 - our table names
                    [sequence],
                )
        # Every table, not only the loaded ones: the small reference tables (systems,
        # organisations) written through the ORM steer the plans of every regional query.
        for table in connection.introspection.django_table_names(only_existing=True):
            cur.execute(f"ANALYZE {table}")
        stage("sequences moved on, tables analysed")
    stage("committed")
    return {t: totals.get(t, 0) for t in TABLES}


def _has_rows(cursor, table: str) -> bool:
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")  # noqa: S608 - our table names
    return cursor.fetchone()[0]


def _load(cursor, batches: Iterator, frozen: set[str], stage) -> dict[str, int]:
    """COPY the batches as a producer thread makes them; returns the rows per table."""
    handoff: queue.Queue = queue.Queue(maxsize=3)
    stop = threading.Event()
    producer = threading.Thread(target=_produce, args=(batches, handoff, stop), daemon=True)
    producer.start()
    loaded: dict[str, int] = {}
    totals: dict[str, int] = {}
    try:
        while True:
            item = handoff.get()
            if item is None:
                break
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, _Stage):
                detail = ", ".join(f"{t} {n:,}" for t, n in loaded.items())
                stage(f"loaded {item.name}: {detail}")
                loaded = {}
                continue
            if item.rows == 0:
                continue
            columns = ", ".join(c if c.startswith('"') else f'"{c}"' for c in item.columns)
            options = [o for o, on in (("FORMAT binary", item.binary),
                                       ("FREEZE", item.table in frozen)) if on]  # fmt: skip
            with_ = f" WITH ({', '.join(options)})" if options else ""
            cursor.copy_expert(f"COPY {item.table} ({columns}) FROM STDIN{with_}", _Once(item.data))
            loaded[item.table] = loaded.get(item.table, 0) + item.rows
            totals[item.table] = totals.get(item.table, 0) + item.rows
    finally:
        stop.set()
        producer.join(timeout=5)
    return totals


def summaries_rebuild(*, out: Callable[[str], None] = print) -> None:
    """Rebuild the reporting summary tables from the loaded rows, timed
    (reporting.summaries.rebuild)."""
    from reporting import summaries

    started = time.monotonic()
    result = summaries.rebuild()
    out(f"summaries: rebuilt in {time.monotonic() - started:.1f}s ({result})")
