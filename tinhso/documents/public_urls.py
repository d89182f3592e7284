"""The public register of issued papers: what the QR code on a paper opens."""

from django.urls import path

from . import views

app_name = "issued"

urlpatterns = [
    path("<str:code>/", views.issued, name="entry"),
    path("<str:code>/ban-goc.pdf", views.issued_original, name="original"),
]
