from django.urls import path

from . import views

app_name = "audits"
urlpatterns = [
    path("audits/", views.audit_index, name="index"),
    path("audits/programmes/<int:pk>/", views.programme_coverage, name="coverage"),
    path("audits/programmes/<int:pk>/<slug:step>/", views.programme_step, name="programme_step"),
    path("audits/<int:pk>/", views.audit_detail, name="detail"),
    path("audits/<int:pk>/step/<slug:step>/", views.audit_transition, name="transition"),
    path("audits/<int:pk>/checklist/generate/", views.checklist_generate, name="checklist_generate"),
    path("audits/<int:pk>/checklist/copy/", views.checklist_copy, name="checklist_copy"),
    path("audits/<int:pk>/checklist/add/", views.checklist_add, name="checklist_add"),
    path("audits/checklist/<int:pk>/", views.checklist_item, name="checklist_item"),
    path("audits/<int:pk>/findings/new/", views.finding_new, name="finding_new"),
    path("audits/findings/<int:pk>/", views.finding_edit, name="finding_edit"),
    path("audits/findings/<int:pk>/raise/", views.finding_raise, name="finding_raise"),
    path("audits/<int:pk>/verify/<int:finding_pk>/", views.finding_verify, name="finding_verify"),
    path("audits/<int:pk>/report/", views.audit_report, name="report"),
    path("audits/<int:pk>/report.xlsx", views.audit_report_xlsx, name="report_xlsx"),
]
