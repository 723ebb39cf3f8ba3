"""The reminders ledger is evidence (ISO 9001 7.5.3: records protected from unintended alteration).

What was sent to whom and when, and what could not be sent and why, is read in the admin
and never added, changed or deleted there, not even by a superuser (issue 12 item 5): only
the services write it. The same rule as cms's version records; it is restated here because
qms apps may not import cms (DESIGN.md section 4).
"""

from wagtail.permission_policies import ModelPermissionPolicy

WRITE_ACTIONS = ("add", "change", "delete")


class LedgerPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        if action in WRITE_ACTIONS:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action not in WRITE_ACTIONS]
        if not actions:
            return super().users_with_any_permission(["view"]).none()
        return super().users_with_any_permission(actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)

    def instances_user_has_permission_for(self, user, action):
        if action in WRITE_ACTIONS:
            return self.model._default_manager.none()
        return super().instances_user_has_permission_for(user, action)
