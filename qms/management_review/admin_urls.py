"""The officer's review screens, under the Wagtail admin (registered by wagtail_hooks.register_admin_urls)."""

from django.urls import path

from . import admin_views as views

app_name = "management_review"

urlpatterns = [
    path("", views.review_list, name="list"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/act/<slug:name>/", views.review_act, name="act"),
    path("yearly-report/", views.yearly_report, name="report"),
    path("yearly-report.docx", views.yearly_report_docx, name="report_docx"),
    path("yearly-report.xlsx", views.yearly_report_xlsx, name="report_xlsx"),
]
