"""Publication follow-ups that failed, for quality officers to see and retry (ISO 9001 7.5.3.1 a).

A step that follows a publication (the distribution to readers) runs after the publication commits;
when it fails, or never finished, it is listed here and reminded to the officers (cms.reminders), never
left in a log line only. Retrying runs the step again through cms.publishing.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qms.core.records import QmsError

from .. import publishing
from ..models import PublicationFollowUp


def index(request):
    if not request.user.has_perm("cms.manage_documents"):
        raise PermissionDenied
    rows = [
        {"follow_up": follow_up, "label": publishing.follow_up_label(follow_up.step)}
        for follow_up in publishing.failed_follow_ups()
    ]
    return TemplateResponse(request, "cms/admin/follow_ups.html", {"rows": rows})


@require_POST
def retry(request, follow_up_id):
    if not request.user.has_perm("cms.manage_documents"):
        raise PermissionDenied
    follow_up = get_object_or_404(PublicationFollowUp.objects.select_related("version__page"), pk=follow_up_id)
    try:
        publishing.publication_follow_up_retry(follow_up=follow_up, user=request.user)
    except QmsError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(step)s of %(version)s is done.")
            % {"step": publishing.follow_up_label(follow_up.step), "version": follow_up.version},
        )
    return redirect("cms_follow_ups")
