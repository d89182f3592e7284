from django.urls import path

from . import views

app_name = "ioc"

urlpatterns = [
    path("", views.board, name="board"),
    path("so-lieu/", views.panel, name="panel"),
]
