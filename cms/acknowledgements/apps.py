"""Read-and-understood records: distribution of a revision and its acknowledgements (ISO 9001 7.2, 7.3, 7.5.3)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcknowledgementsConfig(AppConfig):
    name = "cms.acknowledgements"
    label = "acknowledgements"
    verbose_name = _("Read and understood")

    def ready(self):
        from qms.core import demo, roles, site

        from . import demo as ack_demo
        from . import panels

        roles.register_permissions(
            roles.QUALITY_OFFICERS,
            "acknowledgements.view_acknowledgement",
            "acknowledgements.view_distribution",
            "acknowledgements.add_distribution",
        )
        roles.register_permissions(
            roles.AUDITORS, "acknowledgements.view_acknowledgement", "acknowledgements.view_distribution"
        )
        site.register_home_panel("acknowledgements", panels.pending_panel, order=10)
        demo.register(15, "acknowledgements", ack_demo.seed)
