from django.urls import path

from . import views

app_name = "acknowledgements"
urlpatterns = [
    path("acknowledgements/<int:version_id>/acknowledge/", views.acknowledge, name="acknowledge"),
]
