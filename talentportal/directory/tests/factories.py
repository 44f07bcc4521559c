import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from talentportal.directory.models import (
    IntegratedCareSystem,
    Organisation,
    OrganisationType,
    Profile,
    StaffGroup,
    User,
)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test Organisation {n} NHS Trust")
    type = factory.LazyFunction(lambda: OrganisationType.objects.get(code="acute_trust"))
    system = factory.LazyFunction(lambda: IntegratedCareSystem.objects.get(name="Black Country"))


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@nhs.test.example")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.save()
        organisation = kwargs.pop("organisation", None) or OrganisationFactory()
        Profile.objects.update_or_create(
            user=obj,
            defaults={
                "job_title": kwargs.pop("job_title", "Ward Manager"),
                "organisation": organisation,
                "band": kwargs.pop("band", "7"),
                "staff_group": kwargs.pop("staff_group", StaffGroup.CLINICAL),
                "profession": kwargs.pop("profession", "nursing_midwifery"),
            },
        )
        EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=True)
