"""Site view: a person acknowledges the current revision of a document for themselves (ISO 9001 7.3)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms.models import DocumentVersion

from . import services


@require_POST
@login_required
def acknowledge(request, version_id):
    # Always the signed-in person: nobody acknowledges for someone else.
    version = get_object_or_404(DocumentVersion.objects.select_related("page"), pk=version_id)
    try:
        services.version_acknowledge(version=version, user=request.user)
    except services.AcknowledgementError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Thank you: you acknowledged that you have read and understood revision %(number)s of %(document)s.")
            % {"number": version.number, "document": version.page.identifier},
        )
    target = request.POST.get("next", "")
    hosts = {request.get_host()}
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=hosts, require_https=request.is_secure()):
        target = version.page.url or "/"
    return redirect(target)
