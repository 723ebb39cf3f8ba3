from django.urls import path

from . import views

app_name = "spreadsheets_admin"
urlpatterns = [
    path("", views.ImportIndexView.as_view(), name="index"),
    path("<slug:key>/", views.ImportUploadView.as_view(), name="upload"),
    path("<slug:key>/template.xlsx", views.ImportTemplateView.as_view(), name="template"),
    path("<slug:key>/preview/<str:token>/", views.ImportPreviewView.as_view(), name="preview"),
]
