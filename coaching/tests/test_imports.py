from datetime import date

import pytest
from django.core.management import CommandError, call_command

from coaching.models import Application, LoggedSession, Practitioner, Relationship
from coaching.selectors import figures
from talentportal.core.imports import ImportFailed, records_import, records_import_many
from talentportal.directory.models import User

PEOPLE = (
    b"email,name,role,approved_on,organisation,system\n"
    b"cora@nhs.example,Cora Coach,coach,2022-05-01,,Black Country\n"
    b"cora@nhs.example,Cora Coach,mentor,2022-05-01,,Black Country\n"
    b"cal@nhs.example,Cal Client,coachee,2022-06-01,,Lincolnshire\n"
    b"mia@nhs.example,Mia Mentee,mentee,2022-06-02,,Lincolnshire\n"
)
RELATIONSHIPS = (
    b"ref,kind,practitioner_email,client_email,started_on,ended_on,end_reason\n"
    b"R1,coaching,cora@nhs.example,cal@nhs.example,2022-06-10,2022-12-01,completed\n"
    b"R2,mentoring,cora@nhs.example,mia@nhs.example,2022-07-01,,\n"
)
SESSIONS = (
    b"relationship_ref,held_on,hours,mode\n"
    b"R1,2022-06-20,1.5,video\n"
    b"R1,2022-07-20,1,phone\n"
    b"R2,2022-07-05,0.75,in_person\n"
)
RUN = [("coaching_people", "people.csv", PEOPLE), ("relationships", "rels.csv", RELATIONSHIPS),
       ("coaching_sessions", "sessions.csv", SESSIONS)]  # fmt: skip


def test_one_run_imports_people_then_relationships_then_sessions(db):
    records_import_many(files=RUN)
    cora = Practitioner.objects.get(user__email="cora@nhs.example")
    assert cora.coaches and cora.mentors and cora.approved_on.isoformat() == "2022-05-01"
    assert not User.objects.get(email="cal@nhs.example").has_usable_password()
    r1 = Relationship.objects.get(reference="R1")
    assert (r1.status, r1.ended_on.isoformat()) == ("completed", "2022-12-01")
    assert Relationship.objects.get(reference="R2").status == "active"
    f = figures(
        kind="coaching",
        start=date(2022, 4, 1),
        end=date(2023, 3, 31),
    )
    assert (f["practitioners_approved"], f["clients_approved"], f["relationships_completed"]) == (
        1,
        1,
        1,
    )
    assert (f["hours_logged"], f["sessions_logged"], f["clients_with_sessions"]) == (2.5, 2, 1)


def test_reimporting_changes_nothing(db):
    records_import_many(files=RUN)
    counts = (User.objects.count(), Practitioner.objects.count(), Application.objects.count(),
              Relationship.objects.count(), LoggedSession.objects.count())  # fmt: skip
    results = records_import_many(files=RUN)
    assert [r.created for r in results] == [0, 0, 0]
    assert counts == (User.objects.count(), Practitioner.objects.count(), Application.objects.count(),
                      Relationship.objects.count(), LoggedSession.objects.count())  # fmt: skip


def test_a_bad_later_file_rolls_back_the_whole_run(db):
    bad = SESSIONS + b"R9,2022-07-05,1,video\n"
    with pytest.raises(ImportFailed) as failed:
        records_import_many(files=[*RUN[:2], ("coaching_sessions", "sessions.csv", bad)])
    assert [str(e) for e in failed.value.errors] == [
        "row 5: sessions.csv: relationship_ref: 'R9' is not a relationship"
    ]
    assert not User.objects.exists() and not Relationship.objects.exists()


def test_people_must_hold_the_right_role(db):
    records_import(kind="coaching_people", data=PEOPLE)
    data = (
        b"ref,kind,practitioner_email,client_email,started_on,ended_on,end_reason\n"
        b"R3,coaching,cal@nhs.example,cora@nhs.example,2022-06-10,,\n"
        b"R4,mentoring,cora@nhs.example,cal@nhs.example,2022-06-10,,\n"
    )
    with pytest.raises(ImportFailed) as failed:
        records_import(kind="relationships", data=data)
    assert [str(e) for e in failed.value.errors] == [
        "row 2: practitioner_email: cal@nhs.example is not a coach",
        "row 3: client_email: cal@nhs.example is not a mentee",
    ]


BAD = [
    ("coaching_people", b"email,name,role,approved_on,organisation,system\nx@nhs.example,X,boss,2022-01-01,,Black Country\n", "row 2: role: must be coach, coachee, mentor or mentee"),
    ("coaching_people", b"email,name,role,approved_on,organisation,system\nx@nhs.example,X,coach,01/02/2022,,Black Country\n", "row 2: approved_on: '01/02/2022' is not a date (YYYY-MM-DD)"),
    ("coaching_people", b"email,name,role,approved_on,organisation,system\nnope,X,coach,2022-01-01,,Black Country\n", "row 2: email: 'nope' is not an email address"),
    ("coaching_people", b"email,name,role,approved_on,organisation,system\nx@nhs.example,X,coach,2022-01-01,Nowhere,Black Country\n", "row 2: organisation: 'Nowhere' is not an organisation in Black Country"),
    ("relationships", b"ref,kind,practitioner_email,client_email,started_on,ended_on,end_reason\nR,coaching,a@nhs.example,b@nhs.example,2022-06-10,2022-06-01,completed\n", "row 2: ended_on: is before started_on"),
    ("relationships", b"ref,kind,practitioner_email,client_email,started_on,ended_on,end_reason\nR,coaching,a@nhs.example,b@nhs.example,2022-06-10,,completed\n", "row 2: end_reason: goes with ended_on: give both, or neither while active"),
    ("relationships", b"ref,kind,practitioner_email,client_email,started_on,ended_on,end_reason\nR,tutoring,a@nhs.example,b@nhs.example,2022-06-10,,\n", "row 2: kind: must be coaching or mentoring"),
    ("coaching_sessions", b"relationship_ref,held_on,hours,mode\nR,2022-06-10,1.1,video\n", "row 2: hours: must be from 0.25 to 8 in quarter hours, e.g. 1.5"),
    ("coaching_sessions", b"relationship_ref,held_on,hours,mode\nR,2022-06-10,1,zoom\n", "row 2: mode: must be video, phone or in_person"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "data", "error"), BAD)
def test_bad_values_are_named_by_row_and_column(db, kind, data, error):
    with pytest.raises(ImportFailed) as failed:
        records_import(kind=kind, data=data)
    assert error in [str(e) for e in failed.value.errors]


def test_the_command_takes_several_files_in_one_run(db, tmp_path, capsys):
    paths = []
    for kind, name, data in RUN:
        path = tmp_path / name
        path.write_bytes(data)
        paths += [kind, str(path)]
    call_command("import_records", *paths)
    out = capsys.readouterr().out
    assert "Imported 4 coaching_people rows" in out and "Imported 3 coaching_sessions rows" in out
    with pytest.raises(CommandError, match="a KIND and a FILE"):
        call_command("import_records", "relationships")


def test_imported_active_relationships_are_not_closed_as_quiet_overnight(db):
    from django.utils import timezone

    from coaching.services import relationships_inactivity

    records_import_many(files=RUN)
    assert relationships_inactivity(today=timezone.localdate()) == (0, 0)
    assert Relationship.objects.get(reference="R2").status == "active"


def test_a_second_open_relationship_for_the_same_client_is_a_row_error(db):
    records_import(kind="coaching_people", data=PEOPLE)
    data = (
        b"ref,kind,practitioner_email,client_email,started_on,ended_on,end_reason\n"
        b"A,coaching,cora@nhs.example,cal@nhs.example,2022-06-10,,\n"
        b"B,coaching,cora@nhs.example,cal@nhs.example,2022-07-10,,\n"
    )
    with pytest.raises(ImportFailed) as failed:
        records_import(kind="relationships", data=data)
    assert [str(e) for e in failed.value.errors] == [
        "row 3: ended_on: cal@nhs.example already has an open coaching relationship (row 2)"
    ]
