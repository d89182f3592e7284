from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("catalog.jsonld", views.dcat_catalogue, name="dcat"),
    path("<slug:name>/", views.dataset, name="dataset"),
    path("<slug:name>/<uuid:resource_id>.<slug:fmt>", views.download, name="download"),
]
