"""The management review's site pages (included by qms/urls.py): read by officers, approvers, auditors, the
chair and the attendees (rules.py)."""

from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("reviews/", views.review_list, name="list"),
    path("reviews/<int:pk>/", views.review_detail, name="detail"),
    path("reviews/<int:pk>/print/", views.review_print, name="print"),
    path("reviews/<int:pk>/approve/", views.review_approve, name="approve"),
    path("reviews/<int:pk>/minutes.docx", views.review_docx, name="docx"),
    path("reviews/<int:pk>/pack.xlsx", views.review_xlsx, name="xlsx"),
]
