from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from .admin_forms import LastmileUserCreationForm, LastmileUserEditForm


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update=False):
        return LastmileUserEditForm if for_update else LastmileUserCreationForm
