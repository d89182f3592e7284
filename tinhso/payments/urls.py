from django.urls import path

from . import views

app_name = "finance"

urlpatterns = [
    path("", views.home, name="home"),
    path("sao-ke/", views.upload_statement, name="upload"),
    path("sao-ke/<int:pk>/", views.job, name="job"),
    path("cho-xu-ly/", views.queue, name="queue"),
    path("cho-xu-ly/<int:pk>/", views.resolve, name="resolve"),
    path("nop-tai-quay/", views.desk_payment, name="desk"),
]
