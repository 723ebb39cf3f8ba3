"""Administrative procedures (thủ tục hành chính) and the one-stop shop's figures (ISO 9001 8.5.1, 8.7, 9.1.1)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "qms.procedures"
    label = "procedures"
    verbose_name = _("Administrative procedures")

    def ready(self):
        from . import public_cache

        public_cache.connect()
