from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from .forms import QmsUserCreationForm, QmsUserEditForm


class UserViewSet(WagtailUserViewSet):
    """Wagtail's user admin, with each person's unit, manager, language and digest choice."""

    create_template_name = "core/users/create.html"
    edit_template_name = "core/users/edit.html"

    def get_form_class(self, for_update=False):
        return QmsUserEditForm if for_update else QmsUserCreationForm
