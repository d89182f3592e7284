from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.public_index, name="public"),
    path("muc-tieu/", views.goal_tracker, name="goals"),
]

office_urlpatterns = [
    path("", views.steering, name="steering"),
]
