"""The yearly ISO report's figures against the registers' own counts: the calendar year asked for, and
nothing of the year before (ISO 9001 9.3, 10.3)."""

from django.utils import timezone

from qms.feedback.models import Feedback
from qms.management_review import report
from qms.nonconformities.models import Nonconformity
from tests import factories as f
from tests.qms.feedback.conftest import receive

YEAR = timezone.localdate().year


def figure(sections, section_key, figure_key):
    (section,) = [s for s in sections if s["key"] == section_key]
    return next(fig["value"] for data in section["inputs"] for fig in data["figures"] if fig["key"] == figure_key)


def moved_to_last_year(queryset, field):
    """Backdate rows to the same day of last year (the 28th for a 29 February), as the registers would hold
    last year's records."""
    for row in queryset:
        moment = getattr(row, field)
        moment = moment.replace(year=moment.year - 1, day=min(moment.day, 28) if moment.month == 2 else moment.day)
        queryset.model.objects.filter(pk=row.pk).update(**{field: moment})


def test_the_yearly_figures_are_the_registers_counts_of_that_year(people):
    for _ in range(3):
        f.make_nonconformity(unit=people["unit"])
    receive(kind="complaint")
    receive(kind="suggestion", text="Mở thêm quầy một cửa.")
    old_nc = f.make_nonconformity(unit=people["unit"])
    old_feedback = receive(kind="praise")
    moved_to_last_year(Nonconformity.objects.filter(pk=old_nc.pk), "reported_at")
    moved_to_last_year(Feedback.objects.filter(pk=old_feedback.pk), "received_at")

    _record, sections = report.report_sections(YEAR)
    this_year = Nonconformity.objects.filter(reported_at__year=YEAR).count()
    assert figure(sections, "nonconformities", "nonconformities_raised") == this_year == 3
    assert figure(sections, "feedback", "feedback_received") == Feedback.objects.filter(received_at__year=YEAR).count()
    assert figure(sections, "feedback", "feedback_received") == 2
    assert figure(sections, "improvements", "suggestions_from_citizens") == 1
    assert figure(sections, "reviews", "management_reviews_held") == 0

    _record, last_year = report.report_sections(YEAR - 1)
    assert figure(last_year, "nonconformities", "nonconformities_raised") == 1
    assert figure(last_year, "feedback", "feedback_received") == 1
