"""Internal audits: programme, audits, checklists, findings (ISO 9001 9.2)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    label = "audits"
    verbose_name = _("Internal audits")

    def ready(self):
        from qms.core import demo, roles, site

        # Nobody gets delete: audit records are retained as evidence (ISO 9001 9.2.2 f).
        every = ("auditprogramme", "audit", "checklistquestion", "checklistitem", "finding")
        for model in every:
            roles.register_permissions(
                roles.QUALITY_OFFICERS, f"audits.add_{model}", f"audits.change_{model}", f"audits.view_{model}"
            )
            roles.register_permissions(roles.APPROVERS, f"audits.view_{model}")
            roles.register_permissions(roles.AUDITORS, f"audits.view_{model}")
        # Auditors plan and run audits; which audit they may change is decided per object
        # (audits.rules): only those they are on.
        for model in ("audit", "checklistitem", "finding"):
            roles.register_permissions(roles.AUDITORS, f"audits.add_{model}", f"audits.change_{model}")
        # The programme belongs to the quality officer; auditors and leadership read it.
        roles.register_permissions(roles.AUDITORS, "audits.add_checklistquestion", "audits.change_checklistquestion")

        from . import approvals
        from .demo import seed

        demo.register(30, "audits", seed)
        site.register_nav(
            _("Audits"),
            "audits:index",
            order=40,
            visible=lambda user: user.is_authenticated and (user.has_perm("audits.read_audits") or user.unit_id),
        )
        # Leadership lands on the site: what awaits its approval comes first (ISO 9001 5.1).
        site.register_home_panel("approvals", approvals.render_home_panel, order=5)
