"""Wagtail's bulk actions on people, through the rule of who may grant which role (qms.core.people).

Wagtail's own "Assign role" adds any group to any selection (the acting officer included) and
"Set active state" writes with `QuerySet.update()`, which leaves no history. These replace them
under the same action types: each person is saved through `people.person_save`, and a person
the acting one may not change that way is left as they are (ISO 9001 5.3, 7.5.3).
"""

from wagtail.users.views.bulk_actions.assign_role import AssignRoleBulkAction
from wagtail.users.views.bulk_actions.set_active_state import SetActiveStateBulkAction

from . import people


def _save_each(objects, actor, change):
    done = 0
    for person in objects:
        groups = change(person)
        try:
            people.person_save(actor=actor, person=person, groups=groups)
        except people.PersonChangeRefused:
            continue
        done += 1
    return done, 0


class QmsAssignRoleBulkAction(AssignRoleBulkAction):
    def get_execution_context(self):
        return {**super().get_execution_context(), "actor": self.request.user}

    @classmethod
    def execute_action(cls, objects, role=None, actor=None, **kwargs):
        if role is None or actor is None:
            return 0, 0
        return _save_each(objects, actor, lambda person: {*person.groups.all(), role})


class QmsSetActiveStateBulkAction(SetActiveStateBulkAction):
    @classmethod
    def execute_action(cls, objects, mark_as_active=False, model=None, user=None, **kwargs):
        if user is None:
            return 0, 0

        def change(person):
            person.is_active = mark_as_active
            return None

        return _save_each([person for person in objects if person.pk != user.pk], user, change)
