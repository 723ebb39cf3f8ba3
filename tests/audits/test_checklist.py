"""Checklists generated from the scope (clauses, document steps and records), edited, copied."""

import pytest

from audits import services
from audits.models import ChecklistItem, ChecklistQuestion
from qms.core.models import IsoClause
from tests import factories as f
from tests.audits import builders as b


def test_generated_from_clauses_leaf_by_leaf(audit, auditor):
    # Scope: 8.2, which has sub-clauses 8.2.1 to 8.2.4: one line each, none for 8.2 itself.
    items = services.checklist_generate(audit=audit, user=auditor)
    numbers = [item.clause.number for item in items]
    assert numbers == ["8.2.1", "8.2.2", "8.2.3", "8.2.4"]
    assert all(item.result == ChecklistItem.Result.NOT_ASSESSED for item in items)
    assert all(item.source == ChecklistItem.Source.CLAUSE for item in items)


def test_question_bank_replaces_the_default_question(audit, auditor):
    clause = IsoClause.objects.get(number="8.2.1")
    ChecklistQuestion.objects.create(clause=clause, text="Có kênh tiếp nhận phản ánh của người dân không?")
    ChecklistQuestion.objects.create(clause=clause, text="Không dùng nữa", is_active=False)
    items = services.checklist_generate(audit=audit, user=auditor)
    for_clause = [item for item in items if item.clause == clause]
    assert [item.question for item in for_clause] == ["Có kênh tiếp nhận phản ánh của người dân không?"]
    assert for_clause[0].source == ChecklistItem.Source.QUESTION_BANK


def test_generation_is_idempotent_and_keeps_answers(running_audit, auditor):
    first = services.checklist_generate(audit=running_audit, user=auditor)
    services.checklist_item_update(
        item=first[0], version=first[0].version, evidence="Sổ theo dõi", result="conforming", user=auditor
    )
    again = services.checklist_generate(audit=running_audit, user=auditor)
    assert again == []
    assert running_audit.checklist.count() == len(first)
    assert running_audit.checklist.get(pk=first[0].pk).result == "conforming"


def test_generated_from_document_steps_and_records(programme, officer, auditor):
    document = b.make_process_document(identifier="QT-07")
    if not hasattr(document, "steps"):
        pytest.fail("ProcessDocumentPage has no steps yet")
    _fill_document(document)
    ChecklistQuestion.objects.create(document=document, text="Hồ sơ có được số hóa không?")
    audit = b.make_audit(programme=programme, lead=auditor, documents=[document], user=officer)
    items = services.checklist_generate(audit=audit, user=auditor)
    sources = [item.source for item in items]
    assert sources.count(ChecklistItem.Source.DOCUMENT_STEP) == 2
    assert sources.count(ChecklistItem.Source.DOCUMENT_RECORD) == 1
    assert sources.count(ChecklistItem.Source.QUESTION_BANK) == 1
    texts = " ".join(item.question for item in items)
    assert "Tiếp nhận hồ sơ" in texts and "Thẩm định" in texts and "Sổ theo dõi" in texts
    assert all(item.document == document for item in items)


def _fill_document(document):
    """Steps and records through whatever shape the documents app gives them."""
    from audits.services import document_records, document_steps

    steps_field = document._meta.get_field("steps")
    block_names = list(steps_field.stream_block.child_blocks)
    step_block = steps_field.stream_block.child_blocks[block_names[0]]
    document.steps = [
        (block_names[0], _value_for(step_block, "Tiếp nhận hồ sơ")),
        (block_names[0], _value_for(step_block, "Thẩm định")),
    ]
    records_field = document._meta.get_field("records")
    record_names = list(records_field.stream_block.child_blocks)
    record_block = records_field.stream_block.child_blocks[record_names[0]]
    document.records = [(record_names[0], _value_for(record_block, "Sổ theo dõi"))]
    document.save()
    assert len(document_steps(document)) == 2 and len(document_records(document)) == 1


def _value_for(block, text):
    from wagtail import blocks

    if isinstance(block, blocks.StructBlock):
        value = {}
        for name, child in block.child_blocks.items():
            if isinstance(child, blocks.RichTextBlock):
                value[name] = child.to_python(f"<p>{text}</p>")
            elif isinstance(child, blocks.CharBlock | blocks.TextBlock):
                value[name] = text
            elif isinstance(child, blocks.IntegerBlock):
                value[name] = 1
        return block.to_python(value)
    if isinstance(block, blocks.RichTextBlock):
        return block.to_python(f"<p>{text}</p>")
    return text


def test_copy_from_an_earlier_audit_of_the_same_scope(programme, officer, auditor, audited_unit, audit):
    clause = IsoClause.objects.get(number="8.2")
    services.checklist_generate(audit=audit, user=auditor)
    services.checklist_item_add(audit=audit, question="Câu hỏi riêng của đợt trước", user=auditor)
    later = b.make_audit(programme=programme, lead=auditor, units=[audited_unit], clauses=[clause], user=officer)
    assert services.copy_sources(later) == [audit]
    copied = services.checklist_copy(audit=later, source_audit=audit, user=auditor)
    assert [item.question for item in copied] == list(audit.checklist.values_list("question", flat=True))
    assert all(item.result == ChecklistItem.Result.NOT_ASSESSED and item.evidence == "" for item in copied)
    assert services.checklist_copy(audit=later, source_audit=audit, user=auditor) == []


def test_copy_refuses_another_scope(programme, officer, auditor, audit):
    services.checklist_generate(audit=audit, user=auditor)
    other = b.make_audit(programme=programme, lead=auditor, units=[f.make_unit()], user=officer)
    assert services.copy_sources(other) == []
    with pytest.raises(services.AuditError):
        services.checklist_copy(audit=other, source_audit=audit, user=auditor)
    assert not other.checklist.exists()


def test_results_wait_for_the_opening_meeting(audit, auditor):
    item = services.checklist_generate(audit=audit, user=auditor)[0]
    with pytest.raises(services.AuditError):
        services.checklist_item_update(item=item, version=item.version, result="conforming", user=auditor)


def test_a_lost_update_is_reported(running_audit, auditor):
    item = services.checklist_generate(audit=running_audit, user=auditor)[0]
    seen = item.version
    services.checklist_item_update(item=item, version=seen, evidence="A", user=auditor)
    with pytest.raises(services.AuditError):
        services.checklist_item_update(item=item, version=seen, evidence="B", user=auditor)
    item.refresh_from_db()
    assert item.evidence == "A"


def test_edit_and_remove_lines_keep_history(audit, auditor):
    item = services.checklist_item_add(audit=audit, question="Câu hỏi", user=auditor)
    services.checklist_item_update(item=item, version=item.version, question="Câu hỏi sửa", user=auditor)
    item.refresh_from_db()
    assert item.history.count() == 2
    assert item.history.first().history_user == auditor
    services.checklist_item_remove(item=item, user=auditor)
    assert not ChecklistItem.objects.filter(pk=item.pk).exists()
    assert ChecklistItem.history.filter(id=item.pk, history_type="-").exists()


def test_an_auditor_not_on_the_audit_cannot_edit_it(audit):
    stranger = f.make_auditor(unit=f.make_unit())
    with pytest.raises(services.AuditError):
        services.checklist_generate(audit=audit, user=stranger)


def test_generated_questions_are_in_the_organisations_language_whoever_generates_them(audit, auditor, settings):
    """An auditor with an English browser generates the checklist: its questions are a record of the
    organisation and stay in its language (settings.LANGUAGE_CODE) on every screen (ISO 9001 7.5.2)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "vi"
    with translation.override("en"):
        items = services.checklist_generate(audit=audit, user=auditor)
    clause = IsoClause.objects.get(number="8.2.1")
    question = next(item.question for item in items if item.clause == clause)
    assert "Is the requirement" not in question
    assert clause.title_vi in question and "điều khoản" in question.lower()
