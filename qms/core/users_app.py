from wagtail.users.apps import WagtailUsersAppConfig


class QmsUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin with the QMS fields of a person (unit, manager, language, digest).

    Kept out of qms/core/apps.py: a second AppConfig there would stop Django
    from picking CoreConfig as the core app's default configuration.
    """

    user_viewset = "qms.core.viewsets.UserViewSet"
    group_viewset = "qms.core.viewsets.GroupViewSet"
