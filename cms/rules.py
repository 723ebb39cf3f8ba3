"""Who may read and manage controlled documents (ISO 9001 7.5.3, 5.3): the documents app's rules.

Names follow docs/roles.md (`cms.<verb>_<object>`); views, hooks and services ask
`user.has_perm(<name>, page)`. Separation of duties at approval stays the one rule
`cms.selectors.approval_refusal` (it says why); `wrote_or_submitted_revision` is that rule as a
predicate. The workflow task asks it by itself, since Django lets an administrator pass every
`has_perm` and nobody, not even an administrator, approves their own text (ISO 9001 7.5.2 c).
"""

import rules

from qms.core.rules import is_authenticated, is_quality_officer, reads_everything
from qms.procedures.models import AdministrativeProcedure, DossierComponent

from .models import DocumentForm, ProcessDocumentPage


@rules.predicate
def is_public(user, page):
    return page is not None and page.is_public


@rules.predicate
def is_process_owner_of(user, page):
    """Process owners edit the documents of their unit (per object, not a group): owner of any document there."""
    if page is None or not user.is_authenticated:
        return False
    return ProcessDocumentPage.objects.filter(unit_id=page.unit_id, process_owner=user).exists()


@rules.predicate
def is_form_of_public_procedure(user, document):
    """A form of a live public procedure. A form shared by a public and an internal procedure is public
    (the public procedure publishes it anyway); a document no procedure uses is not: nothing published it.
    The page rows hold the live content, so a change takes effect when that revision is published."""
    if document is None:
        return False
    if DocumentForm.objects.filter(document=document, page__live=True, page__is_public=True).exists():
        return True
    # The form of a dossier component of a published administrative procedure (qms.procedures).
    return DossierComponent.objects.filter(
        form=document,
        procedure__is_public=True,
        procedure__status__in=AdministrativeProcedure.APPLICABLE,
    ).exists()


@rules.predicate
def wrote_or_submitted_revision(user, page):
    from .selectors import approval_refusal

    return page is not None and approval_refusal(page=page, user=user) is not None


# Public documents for everyone; internal ones for logged-in people (7.5.3.1 b).
rules.add_perm("cms.read_document", is_public | is_authenticated)
# A procedure's form (a Wagtail document), as the procedures: logged-in people read every form.
rules.add_perm("cms.read_form_file", is_authenticated | is_form_of_public_procedure)
# Quality officers manage every document (withdraw, review any).
rules.add_perm("cms.manage_documents", is_quality_officer)
rules.add_perm("cms.review_document", is_quality_officer | is_process_owner_of)
# The master list: officers, approvers and auditors (auditors read everything, DESIGN.md section 2).
rules.add_perm("cms.read_register", is_authenticated & reads_everything)
