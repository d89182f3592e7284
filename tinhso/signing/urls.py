from django.urls import path

from . import views

app_name = "signing"

urlpatterns = [
    path("xac-thuc/", views.verify_page, name="verify"),
    path("pki/issuing.crl", views.crl, name="crl"),
    path("pki/root.crt", views.root_certificate, name="root"),
    path("quan-ly/chung-thu/", views.certificates, name="certificates"),
    path("quan-ly/chung-thu/<int:pk>/thu-hoi/", views.revoke, name="revoke"),
]
