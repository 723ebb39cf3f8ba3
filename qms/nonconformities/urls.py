from django.urls import path

from . import views

app_name = "nonconformities"
urlpatterns = [
    path("nonconformities/", views.nonconformity_list, name="list"),
    path("nonconformities/report/", views.report, name="report"),
    path("nonconformities/my-actions/", views.my_actions, name="my_actions"),
    path("nonconformities/<int:pk>/", views.detail, name="detail"),
    path("nonconformities/<int:pk>/edit/", views.edit, name="edit"),
    path("nonconformities/<int:pk>/transition/", views.transition, name="transition"),
    path("nonconformities/<int:pk>/actions/new/", views.action_new, name="action_new"),
    path("nonconformities/actions/<int:pk>/", views.action_detail, name="action"),
    path("nonconformities/actions/new/<str:model>/<int:pk>/", views.action_new_for_origin, name="action_new_for"),
    path("nonconformities/actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("nonconformities/actions/<int:pk>/start/", views.action_start, name="action_start"),
    path("nonconformities/actions/<int:pk>/complete/", views.action_complete, name="action_complete"),
    path("nonconformities/actions/<int:pk>/verify/", views.action_verify, name="action_verify"),
    path("nonconformities/evidence/<int:pk>/", views.evidence, name="evidence"),
]
