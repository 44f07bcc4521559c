import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from programmes.models import Booking, Programme, RegisterEntry, Session, Workstream
from talentportal.core.imports import ImportFailed, records_import
from talentportal.directory.models import User
from talentportal.directory.tests.factories import OrganisationFactory

HEADER = (
    "session_ref,programme,workstream,starts_at,system,organisation,email,staff_group,"
    "ethnic_category,band,status\n"
)
ROWS = (
    "CL-2022-06,Compassionate Leadership,Leadership Development,2022-06-14T10:00,Black Country,,"
    "ada@nhs.example,clinical,N,6,attended\n"
    "CL-2022-06,Compassionate Leadership,Leadership Development,2022-06-14T10:00,black country,,"
    "ben@nhs.example,non_clinical,,8a,did_not_attend\n"
    "CL-2022-06,Compassionate Leadership,Leadership Development,2022-06-14T10:00,Lincolnshire,,"
    "cat@nhs.example,,A,,cancelled\n"
    "PCN-2023-01,PCN Leaders,New PCN Workstream,2023-01-10,Lincolnshire,,"
    "ada@nhs.example,clinical,N,6,booked\n"
)
GOOD = (HEADER + ROWS).encode()


def test_a_valid_file_creates_sessions_programmes_people_and_bookings(db):
    result = records_import(kind="bookings", data=GOOD)
    assert (result.rows, result.created) == (4, 4)
    session = Session.objects.get(reference="CL-2022-06")
    assert timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M") == "2022-06-14 10:00"
    assert session.status == Session.Status.DELIVERED
    assert (session.capacity, session.taken) == (3, 2)
    pcn = Session.objects.get(reference="PCN-2023-01")
    assert timezone.localtime(pcn.starts_at).strftime("%H:%M") == "09:30"
    assert Workstream.objects.filter(name="New PCN Workstream").exists()
    assert not Programme.objects.get(title="PCN Leaders").published
    ada = User.objects.get(email="ada@nhs.example")
    assert not ada.has_usable_password()
    attendance = dict(
        RegisterEntry.objects.filter(session=session).values_list(
            "booking__person__email", "attendance"
        )
    )
    assert attendance == {"ada@nhs.example": "attended", "ben@nhs.example": "did_not_attend"}
    cat = Booking.objects.get(person__email="cat@nhs.example")
    assert (cat.status, cat.ethnic_category, cat.system.name) == ("cancelled", "A", "Lincolnshire")
    assert Booking.objects.get(person__email="ben@nhs.example").ethnic_category == "Z"


def test_reimporting_the_same_file_changes_nothing(db):
    records_import(kind="bookings", data=GOOD)
    counts = (Session.objects.count(), Booking.objects.count(), RegisterEntry.objects.count())
    result = records_import(kind="bookings", data=GOOD)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    assert (
        Session.objects.count(),
        Booking.objects.count(),
        RegisterEntry.objects.count(),
    ) == counts


def test_a_corrected_row_updates_the_booking(db):
    records_import(kind="bookings", data=GOOD)
    fixed = GOOD.replace(
        b"ben@nhs.example,non_clinical,,8a,did_not_attend",
        b"ben@nhs.example,non_clinical,,8a,attended",
    )
    result = records_import(kind="bookings", data=fixed)
    assert result.updated == 1
    assert (
        RegisterEntry.objects.get(booking__person__email="ben@nhs.example").attendance == "attended"
    )


def test_an_organisation_is_matched_within_its_system(db):
    org = OrganisationFactory(name="Walsall Healthcare NHS Trust")
    data = (
        HEADER
        + "X1,P,W,2022-05-01,Black Country,walsall healthcare nhs trust,d@nhs.example,,,,attended\n"
    ).encode()
    records_import(kind="bookings", data=data)
    assert Booking.objects.get().organisation == org


BAD_ROWS = [
    (",P,W,2022-05-01,Black Country,,a@nhs.example,,,,attended", "row 2: session_ref: is required"),
    ("X,P,W,14/06/2022,Black Country,,a@nhs.example,,,,attended", "row 2: starts_at: '14/06/2022' is not a date (YYYY-MM-DD)"),
    ("X,P,W,2022-05-01,Atlantis,,a@nhs.example,,,,attended", "row 2: system: 'Atlantis' is not an integrated care system"),
    ("X,P,W,2022-05-01,Black Country,Nowhere Trust,a@nhs.example,,,,attended", "row 2: organisation: 'Nowhere Trust' is not an organisation in Black Country"),
    ("X,P,W,2022-05-01,Black Country,,not-an-email,,,,attended", "row 2: email: 'not-an-email' is not an email address"),
    ("X,P,W,2022-05-01,Black Country,,a@nhs.example,medical,,,attended", "row 2: staff_group: must be clinical, non_clinical or blank"),
    ("X,P,W,2022-05-01,Black Country,,a@nhs.example,,Q,,attended", "row 2: ethnic_category: 'Q' is not an NHS code A to S or Z"),
    ("X,P,W,2022-05-01,Black Country,,a@nhs.example,,,10,attended", "row 2: band: '10' is not a band (1 to 9, 8a to 8d, medical, vsm, other)"),
    ("X,P,W,2022-05-01,Black Country,,a@nhs.example,,,,present", "row 2: status: must be attended, did_not_attend, cancelled or booked"),
    ("X,,W,2022-05-01,Black Country,,a@nhs.example,,,,attended", "row 2: programme: is required"),
]  # fmt: skip


@pytest.mark.parametrize(("row", "error"), BAD_ROWS)
def test_each_bad_value_is_named_by_row_and_column(db, row, error):
    with pytest.raises(ImportFailed) as failed:
        records_import(kind="bookings", data=(HEADER + row + "\n").encode())
    assert error in [str(e) for e in failed.value.errors]


def test_one_bad_row_among_good_ones_writes_nothing(db):
    data = GOOD + b"X,P,W,2022-05-01,Atlantis,,z@nhs.example,,,,attended\n"
    with pytest.raises(ImportFailed) as failed:
        records_import(kind="bookings", data=data)
    assert [str(e) for e in failed.value.errors] == [
        "row 6: system: 'Atlantis' is not an integrated care system"
    ]
    assert not Session.objects.exists()
    assert not User.objects.exists()
    assert not Programme.objects.exists()


def test_rows_of_one_session_must_agree_and_people_appear_once(db):
    data = (
        HEADER
        + "X,P,W,2022-05-01,Black Country,,a@nhs.example,,,,attended\n"
        + "X,P,W,2022-05-02,Black Country,,b@nhs.example,,,,attended\n"
        + "X,P,W,2022-05-01,Black Country,,a@nhs.example,,,,cancelled\n"
    ).encode()
    with pytest.raises(ImportFailed) as failed:
        records_import(kind="bookings", data=data)
    assert [str(e) for e in failed.value.errors] == [
        "row 3: session_ref: 'X' has another programme or start in row 2",
        "row 4: email: repeats row 2 for the same session",
    ]


def test_the_command_imports_and_reports_errors_with_a_non_zero_exit(db, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD)
    call_command("import_records", "bookings", str(good))
    assert "4 created" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes((HEADER + "X,P,W,nope,Black Country,,a@nhs.example,,,,attended\n").encode())
    with pytest.raises(CommandError):
        call_command("import_records", "bookings", str(bad))
    assert "row 2: starts_at: 'nope' is not a date (YYYY-MM-DD)" in capsys.readouterr().err


def test_the_upload_page_previews_then_imports(client, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from talentportal.directory.models import Role

    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    url = reverse("programmes:import")
    response = client.post(url, {"file": SimpleUploadedFile("b.csv", GOOD)})
    assert b"Check before importing" in response.content
    assert b"4 rows are ready to import" in response.content
    assert not Booking.objects.exists()
    response = client.post(url, {"confirm": "1", "token": response.context["token"]})
    assert response.status_code == 302
    assert Booking.objects.count() == 4


def test_an_import_never_clashes_with_a_portal_booking(db, make_user):
    from programmes.services import booking_create

    records_import(kind="bookings", data=GOOD)
    session = Session.objects.get(reference="PCN-2023-01")
    soon = (timezone.now() + timezone.timedelta(days=5)).replace(second=0, microsecond=0)
    Session.objects.filter(pk=session.pk).update(
        starts_at=soon, ends_at=soon + timezone.timedelta(hours=3), status="scheduled"
    )
    Programme.objects.filter(pk=session.programme_id).update(published=True)
    person = make_user(email="zed@nhs.example")
    booking_create(person=person, target=Session.objects.get(pk=session.pk), now=timezone.now())
    local = timezone.localtime(Session.objects.get(pk=session.pk).starts_at).strftime(
        "%Y-%m-%dT%H:%M:%S"
    )
    data = (
        HEADER
        + f"PCN-2023-01,PCN Leaders,New PCN Workstream,{local},Lincolnshire,,zed@nhs.example,,,,attended\n"
    ).encode()
    with pytest.raises(ImportFailed) as failed:
        records_import(kind="bookings", data=data)
    assert [str(e) for e in failed.value.errors] == [
        "row 2: email: already has a booking on this session in the portal"
    ]
