from django.contrib.auth.models import Group

from talentportal.directory.models import IntegratedCareSystem, OrganisationType, Region

MIDLANDS = {
    "Birmingham and Solihull",
    "Black Country",
    "Coventry and Warwickshire",
    "Herefordshire and Worcestershire",
    "Shropshire, Telford and Wrekin",
    "Staffordshire and Stoke-on-Trent",
    "Derby and Derbyshire",
    "Leicester, Leicestershire and Rutland",
    "Lincolnshire",
    "Northamptonshire",
    "Nottingham and Nottinghamshire",
}


def test_the_seven_nhs_england_regions_are_loaded(db):
    assert set(Region.objects.values_list("name", flat=True)) == {
        "East of England",
        "London",
        "Midlands",
        "North East and Yorkshire",
        "North West",
        "South East",
        "South West",
    }


def test_the_eleven_midlands_systems_have_exactly_their_names(db):
    names = set(
        IntegratedCareSystem.objects.filter(region__name="Midlands").values_list("name", flat=True)
    )
    assert names == MIDLANDS


def test_an_administrator_can_add_a_system_to_another_region(db):
    london = Region.objects.get(name="London")
    IntegratedCareSystem.objects.create(region=london, name="North Central London")
    assert IntegratedCareSystem.objects.filter(region=london).count() == 1


def test_organisation_types_and_role_groups_are_loaded(db):
    assert OrganisationType.objects.count() == 11
    assert OrganisationType.objects.filter(code="primary_care").exists()
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Coach",
        "Mentor",
        "Programme administrator",
        "Talent lead",
        "Scheme manager",
        "Report team",
        "System administrator",
    }
