from django.urls import path

from . import views

app_name = "objectives"
urlpatterns = [
    path("objectives/", views.objective_list, name="list"),
    path("objectives/register.xlsx", views.export, name="export"),
    path("objectives/<int:pk>/", views.detail, name="detail"),
    path("objectives/<int:pk>/step/", views.step, name="step"),
    path("objectives/indicators/<int:pk>/measure/", views.measure, name="measure"),
    path("objectives/indicators/<int:pk>/compute/", views.compute, name="compute"),
    path(
        "objectives/measurements/<int:pk>/raise-nonconformity/", views.raise_nonconformity, name="raise_nonconformity"
    ),
    path("objectives/measurements/<int:pk>/evidence/", views.evidence, name="evidence"),
]
