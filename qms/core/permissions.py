"""Admin permission policies of the core that are not the model permissions of a role."""

from wagtail.permission_policies import ModelPermissionPolicy


class LockoutPermissionPolicy(ModelPermissionPolicy):
    """Only an administrator sees and lifts lock-outs: an officer unlocking accounts would undo the
    limit on guessing for any account, their own included (ISO 9001 5.3)."""

    actions = {"view", "delete"}

    def user_has_permission(self, user, action):
        return bool(user.is_active and user.is_superuser and action in self.actions)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)
