from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class QmsModelBackend(ModelBackend):
    """The model backend, except that demo accounts cannot log in with DEBUG off.

    The demo password is public (README), so a production install that still
    holds the demo users must not let anyone in with it.
    """

    def user_can_authenticate(self, user):
        if getattr(user, "is_demo", False) and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)
