from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    # Public: no log-in.
    path("feedback/", views.feedback_new, name="new"),
    path("feedback/sent/", views.feedback_sent, name="sent"),
    path("feedback/status/", views.feedback_status, name="status"),
    path("feedback/survey/", views.survey, name="survey"),
    path("feedback/survey/<int:page_id>/", views.survey, name="survey_page"),
    path("feedback/survey/<int:page_id>/slip/", views.survey_slip, name="survey_slip"),
    # Staff.
    path("feedback/mine/", views.mine, name="mine"),
    path("feedback/register/", views.register, name="register"),
    path("feedback/record/", views.record, name="record"),
    path("feedback/satisfaction/", views.satisfaction, name="satisfaction"),
    path("feedback/<int:pk>/", views.detail, name="detail"),
    path("feedback/<int:pk>/attachment/", views.attachment, name="attachment"),
    path("feedback/<int:pk>/<slug:name>/", views.act, name="act"),
]
