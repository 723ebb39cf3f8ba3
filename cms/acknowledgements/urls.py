app_name = "acknowledgements"
urlpatterns: list = []
