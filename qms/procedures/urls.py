from django.urls import path

from . import views

app_name = "procedures"
urlpatterns = [
    # Public: no log-in.
    path("procedures/", views.procedure_list, name="list"),
    path("procedures/<str:code>/", views.procedure_detail, name="detail"),
]
