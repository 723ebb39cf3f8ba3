"""The Wagtail site: the home page and the controlled process documents (ISO 9001 7.5)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The organisation's front page: what staff land on after logging in."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from qms.core.site import home_panels

        context = super().get_context(request, *args, **kwargs)
        context["panels"] = home_panels(request)
        return context


class ProcessDocumentPage(Page):
    """A controlled process document, e.g. QT-07 (ISO 9001 7.5.2, 7.5.3)."""

    identifier = models.CharField(
        _("identifier"), max_length=30, unique=True, help_text=_("Unique document code, e.g. QT-07.")
    )
    unit = models.ForeignKey(
        "core.OrganisationUnit", verbose_name=_("owning unit"), on_delete=models.PROTECT, related_name="documents"
    )
    process_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("process owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_documents",
    )

    content_panels = Page.content_panels + [FieldPanel("identifier"), FieldPanel("unit"), FieldPanel("process_owner")]

    class Meta:
        verbose_name = _("process document")
        verbose_name_plural = _("process documents")

    def __str__(self):
        return f"{self.identifier} {self.title}"
