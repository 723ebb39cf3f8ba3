from django.urls import path

from . import views

app_name = "procedures"
urlpatterns = [
    # Public: no log-in. "thu-tuc" (thủ tục): "procedures/" is the documents list of cms.
    path("thu-tuc/", views.procedure_list, name="list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="detail"),
]
