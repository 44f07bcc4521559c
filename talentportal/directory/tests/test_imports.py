import pytest
from django.core.management import CommandError, call_command

from talentportal.core.imports import ImportFailed, records_import
from talentportal.directory.models import Organisation

GOOD = (
    b"name,type,system\n"
    b"Sandwell and West Birmingham Hospitals NHS Trust,Acute trust,Black Country\n"
    b"Walsall Together,voluntary_sector,black country\n"
    b"Lincolnshire County Council,local_authority,Lincolnshire\n"
)


def test_a_valid_file_creates_every_organisation(db):
    result = records_import(kind="organisations", data=GOOD)
    assert (result.rows, result.created) == (3, 3)
    org = Organisation.objects.get(name="Walsall Together")
    assert (org.type.code, org.system.name) == ("voluntary_sector", "Black Country")


def test_reimporting_the_same_file_duplicates_nothing(db):
    records_import(kind="organisations", data=GOOD)
    result = records_import(kind="organisations", data=GOOD)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert Organisation.objects.count() == 3


def test_a_changed_type_updates_the_existing_organisation(db):
    records_import(kind="organisations", data=GOOD)
    changed = GOOD.replace(b"Walsall Together,voluntary_sector", b"walsall together,other")
    result = records_import(kind="organisations", data=changed)
    assert result.updated == 1
    assert Organisation.objects.get(name="Walsall Together").type.code == "other"


def test_one_bad_row_writes_nothing_and_every_error_names_its_row(db):
    bad = GOOD + (
        b"Nowhere Trust,Acute trust,Atlantis\n"
        b",Acute trust,Lincolnshire\n"
        b"Odd Org,spaceport,Lincolnshire\n"
        b"Walsall Together,other,Black Country\n"
    )
    with pytest.raises(ImportFailed) as failed:
        records_import(kind="organisations", data=bad)
    assert [str(e) for e in failed.value.errors] == [
        "row 5: system: 'Atlantis' is not an integrated care system",
        "row 6: name: is required",
        "row 7: type: 'spaceport' is not an organisation type",
        "row 8: name: repeats row 3 for the same system",
    ]
    assert Organisation.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "row 1: header: the file is empty"),
        (b"name,type\nA,acute_trust\n", "row 1: system: missing column"),
        (b"name,type,system,extra\n", "row 1: extra: unexpected column"),
        (b"name,type,system\n", "row 2: row: the file has a header but no rows"),
        (b"name,type,system\nA,acute_trust\n", "row 2: row: has 2 values, expected 3"),
        (b"name,type,system\nCaf\xe9,acute_trust,Lincolnshire\n", "row 2: file: is not UTF-8 text"),
    ],
)
def test_malformed_files_are_refused_with_a_clear_message(db, data, expected):
    with pytest.raises(ImportFailed) as failed:
        records_import(kind="organisations", data=data)
    assert expected in [str(e) for e in failed.value.errors]


def test_a_byte_order_mark_and_blank_lines_are_accepted(db):
    data = b"\xef\xbb\xbf" + GOOD + b"\n\n"
    assert records_import(kind="organisations", data=data).created == 3


def test_a_dry_run_writes_nothing(db):
    result = records_import(kind="organisations", data=GOOD, dry_run=True)
    assert [r["action"] for r in result.preview] == ["create", "create", "create"]
    assert not Organisation.objects.exists()


def test_the_command_exits_non_zero_and_lists_errors(db, tmp_path, capsys):
    path = tmp_path / "orgs.csv"
    path.write_bytes(b"name,type,system\nX,acute_trust,Atlantis\n")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_records", "organisations", str(path))
    assert "row 2: system: 'Atlantis' is not an integrated care system" in capsys.readouterr().err
    assert not Organisation.objects.exists()


def test_the_command_imports_a_good_file(db, tmp_path, capsys):
    path = tmp_path / "orgs.csv"
    path.write_bytes(GOOD)
    call_command("import_records", "organisations", str(path))
    assert "3 created" in capsys.readouterr().out
    assert Organisation.objects.count() == 3


def test_the_command_names_unknown_kinds(db, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(GOOD)
    with pytest.raises(CommandError, match="Unknown kind of records 'spaceships'"):
        call_command("import_records", "spaceships", str(path))
