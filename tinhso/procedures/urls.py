from django.urls import path

from . import views

app_name = "procedures"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("chua-xac-minh/", views.unverified, name="unverified"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/sua/", views.edit, name="edit"),
    path("<str:code>/to-khai.pdf", views.declaration_form, name="declaration_form"),
]
