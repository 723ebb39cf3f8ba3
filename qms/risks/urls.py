from django.urls import path

from . import views

app_name = "risks"
urlpatterns = [
    path("risks/", views.risk_list, name="list"),
    path("risks/heat-map/", views.heat_map, name="heat_map"),
    path("risks/register.xlsx", views.export, name="export"),
    path("risks/<int:pk>/", views.detail, name="detail"),
    path("risks/<int:pk>/assess/", views.assess, name="assess"),
    path("risks/<int:pk>/treatment/", views.treatment, name="treatment"),
    path("risks/<int:pk>/review/", views.review, name="review"),
    path("risks/<int:pk>/close/", views.close, name="close"),
    path("risks/<int:pk>/nonconformities/", views.link_nonconformity, name="link_nonconformity"),
    path("risks/<int:pk>/nonconformities/<int:nc_pk>/unlink/", views.unlink_nonconformity, name="unlink_nonconformity"),
]
