from django.urls import path

from . import national_views

app_name = "national_sign_in"

urlpatterns = [
    path("", national_views.start, name="start"),
    path("ve/", national_views.callback, name="callback"),
]
