from datetime import date, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from talentportal.directory.tests.factories import UserFactory

from ..models import NominationWindow, PoolMembership, Readiness, RoleFamily, Route


class WindowFactory(DjangoModelFactory):
    class Meta:
        model = NominationWindow

    name = factory.Sequence(lambda n: f"Nominations round {n}")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=5))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=20))


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = PoolMembership

    member = factory.SubFactory(UserFactory)
    route = Route.NOMINATED
    system = factory.LazyAttribute(lambda o: o.member.profile.organisation.system)
    organisation = factory.LazyAttribute(lambda o: o.member.profile.organisation)
    role_family = RoleFamily.NURSING
    readiness = Readiness.READY_NOW
    joined_on = date(2022, 6, 1)


NOMINATION = {
    "role_family": RoleFamily.NURSING,
    "readiness": Readiness.READY_NOW,
    "evidence": "Runs the surgical division; deputises for the Chief Nurse.",
    "sponsor_name": "Dr Helen Ward",
    "sponsor_job_title": "Chief Executive",
    "sponsor_endorsed": True,
}
