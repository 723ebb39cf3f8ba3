"""The approve/reject dialog's comment box is labelled in the reader's language (issue #20).

Wagtail labels it with gettext at import time; cms.apps makes the label lazy.
"""

from django.utils import translation
from wagtail.forms import TaskStateCommentForm


def test_the_comment_label_follows_the_active_language():
    for language, label in (("en", "Comment"), ("vi", "Nhận xét"), ("en", "Comment")):
        with translation.override(language):
            assert str(TaskStateCommentForm().fields["comment"].label) == label
