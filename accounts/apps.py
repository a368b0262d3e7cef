from django.apps import AppConfig

from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"
    default = True


class LastmileUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with organisation, region and profile fields on the forms."""

    user_viewset = "accounts.viewsets.UserViewSet"
