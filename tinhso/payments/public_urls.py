from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("bien-lai/<str:code>/", views.receipt, name="receipt"),
    path("cong/<slug:provider>/thong-bao/", views.gateway_callback, name="callback"),
]
