"""Import of audit checklist questions (ISO 9001 9.2.2: audit criteria and scope, per clause or process).

Registered through the hook qms_importers (wagtail_hooks.py). One row per question
of the question bank: ISO 9001 clause number and/or process document identifier (at
least one), the question, its order and whether it is active. A question has no code
of its own, so its natural key is (clause, document, question text): importing the
same file again leaves the questions as they are or updates their order and active
flag; a reworded question is a new question (the old one stays, and can be marked
inactive in the file). Checklists already generated for audits are not touched
(they copy the bank, see audits.models.ChecklistQuestion).

Messages use `t`/`tl` (see qms.spreadsheets.importer_messages) so that they are
translated in the spreadsheets catalogue, not added to the audits catalogue.
"""

from django.utils.text import capfirst

from qms.core.models import IsoClause
from qms.core.records import save_with_history
from qms.spreadsheets.importer_messages import t, tl
from qms.spreadsheets.imports import ImportColumn, Importer, RowError, normalise

from .models import ChecklistQuestion


class ChecklistQuestionImporter(Importer):
    key = "checklist-questions"
    title = tl("Audit checklist questions")
    description = tl(
        "Questions of the audit question bank, for an ISO 9001 clause and/or a process document: new questions "
        "are added, known ones (same clause, document and wording) get their order and active flag updated."
    )
    columns = [
        ImportColumn(
            "clause",
            # Capitalised here: the same msgid is also a model's lower-case verbose name in some catalogues.
            capfirst(tl("ISO 9001 clause")),
            key=True,
            max_length=12,
            help=tl("Clause number, e.g. 8.5.1. The clause, the document or both."),
            example="7.5.3",
        ),
        ImportColumn(
            "document",
            tl("Document identifier"),
            key=True,
            max_length=30,
            help=tl("Identifier of a process document already in the product, e.g. QT-07."),
            example="QT-01",
        ),
        ImportColumn(
            "text",
            tl("Question"),
            required=True,
            key=True,
            max_length=2000,
            example="Tài liệu đang áp dụng tại nơi làm việc có phải là phiên bản hiện hành không?",
        ),
        ImportColumn("sort_order", tl("Order"), kind="int", min_value=0, help=tl("Blank: 0."), example=10),
        ImportColumn(
            "is_active", tl("Active"), kind="bool", help=tl("No: kept but no longer used. Blank: yes."), example=True
        ),
    ]

    def apply_row(self, row, *, user, reason, context):
        from cms.models import ProcessDocumentPage

        values = row.values
        if not values["clause"] and not values["document"]:
            raise RowError("clause", t("give the clause, the document identifier or both."))
        clause = document = None
        if values["clause"]:
            clause = IsoClause.objects.filter(number=values["clause"].rstrip(".")).first()
            if clause is None:
                raise RowError(
                    "clause", t("“%(number)s” is not an ISO 9001 clause number.") % {"number": values["clause"]}
                )
        if values["document"]:
            document = ProcessDocumentPage.objects.filter(identifier__iexact=values["document"]).first()
            if document is None:
                raise RowError(
                    "document",
                    t("there is no document with identifier “%(identifier)s”.") % {"identifier": values["document"]},
                )
        wanted_text = normalise(values["text"])
        existing = next(
            (
                question
                for question in ChecklistQuestion.objects.filter(clause=clause, document=document)
                if normalise(question.text) == wanted_text
            ),
            None,
        )
        label = f"{clause.number if clause else document.identifier}: {values['text'][:60]}"
        if existing is None:
            question = ChecklistQuestion(
                clause=clause,
                document=document,
                text=values["text"],
                sort_order=values["sort_order"] or 0,
                is_active=True if values["is_active"] is None else values["is_active"],
            )
            self._save(question, user=user, reason=reason)
            return "created", label
        wanted = {}
        if values["sort_order"] is not None:
            wanted["sort_order"] = values["sort_order"]
        if values["is_active"] is not None:
            wanted["is_active"] = values["is_active"]
        changed = {name: value for name, value in wanted.items() if getattr(existing, name) != value}
        if not changed:
            return "unchanged", label
        for name, value in changed.items():
            setattr(existing, name, value)
        self._save(existing, user=user, reason=reason)
        return "updated", label

    @staticmethod
    def _save(question, *, user, reason):
        question.full_clean()
        save_with_history(question, user=user, reason=reason)


CHECKLIST_QUESTIONS = ChecklistQuestionImporter()
