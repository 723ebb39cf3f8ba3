from django.urls import path

from .views import documents

app_name = "cms"
urlpatterns = [
    path("procedures/", documents.document_list, name="documents"),
]
