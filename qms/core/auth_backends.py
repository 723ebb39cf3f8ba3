from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class QmsModelBackend(ModelBackend):
    """The model backend, except that demo accounts cannot log in with DEBUG off.

    The demo password is public (README.md), so a production install that still
    holds the demo users must not let anyone in with it.
    """

    def user_can_authenticate(self, user):
        if getattr(user, "is_demo", False) and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)

    def get_user(self, user_id):
        # Every request reads the person's language from their Wagtail profile (PersonLanguageMiddleware),
        # and the admin reads it too: one query for both rather than a second per request.
        model = get_user_model()
        try:
            user = model._default_manager.select_related("wagtail_userprofile").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
