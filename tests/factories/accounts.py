from django.contrib.auth import get_user_model

import factory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = "Dana"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    job_title = "Account Executive"
    phone = "+44 20 7946 0102"
    password = factory.django.Password("correct horse battery staple")
