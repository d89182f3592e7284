from django.urls import path

from . import open311

app_name = "open311"

urlpatterns = [
    path("services.json", open311.services_list, name="services"),
    path("services/<slug:code>.json", open311.service_definition, name="service"),
    path("requests.json", open311.requests_list, name="requests"),
    path("requests/<str:code>.json", open311.request_detail, name="request"),
]
