from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from programmes.models import Cohort, Programme, Session, Workstream
from talentportal.directory.models import Region


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Leadership Workshop {n}")
    slug = factory.Sequence(lambda n: f"leadership-workshop-{n}")
    summary = "A workshop for leaders."
    workstream = factory.LazyFunction(lambda: Workstream.objects.get(name="Leadership Development"))
    people_plan_theme = "growing"
    format = "workshop"
    delivery = "virtual"
    region = factory.LazyFunction(lambda: Region.objects.get(name="Midlands"))
    published = True


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    programme = factory.SubFactory(ProgrammeFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    capacity = 10
    joining_url = "https://teams.example/meet"


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory, format="multi_module")
    name = factory.Sequence(lambda n: f"Cohort {n}")
    capacity = 4

    @factory.post_generation
    def dates(obj, create, extracted, **kwargs):
        if not create:
            return
        for n in range(extracted if extracted is not None else 3):
            start = timezone.now() + timedelta(days=20 + 7 * n)
            Session.objects.create(
                programme=obj.programme,
                cohort=obj,
                title=f"Day {n + 1}",
                starts_at=start,
                ends_at=start + timedelta(hours=6),
                capacity=obj.capacity,
            )
