"""The home-page panel: feedback I handle and answers awaiting my approval (ISO 9001 8.2.1 c))."""

from django.template.loader import render_to_string

from . import rules, selectors


def render_home_panel(request):
    user = request.user
    if not user.is_authenticated:
        return ""
    assigned = list(selectors.feedback_of_handler(user)[:10])
    approvals = [fb for fb in selectors.awaiting_approval()[:50] if rules.may_approve_answer(user, fb)][:10]
    if not assigned and not approvals:
        return ""
    return render_to_string("feedback/home_panel.html", {"assigned": assigned, "approvals": approvals}, request=request)
