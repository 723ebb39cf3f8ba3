from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import PreferencesForm
from .selectors import due_for_user
from .services import ReminderError, reminder_preferences_update


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """Each person chooses their own digest frequency; there is no way to edit someone else's here."""
    user = request.user
    form = PreferencesForm(
        request.POST or None, initial={"digest_frequency": user.digest_frequency, "language": user.language}
    )
    if request.method == "POST" and form.is_valid():
        try:
            reminder_preferences_update(
                user=user,
                digest_frequency=form.cleaned_data["digest_frequency"],
                language=form.cleaned_data["language"],
                reason="Changed on the reminder preferences page",
            )
        except ReminderError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your reminder preferences were saved."))
            return redirect("reminders:preferences")
    return render(request, "reminders/preferences.html", {"form": form, "items": due_for_user(user)})
