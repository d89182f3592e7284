from django.urls import path

from . import views

app_name = "population"

urlpatterns = [
    path("", views.home, name="home"),
    path("nhap/<int:pk>/", views.batch, name="batch"),
    path("nhap/<int:pk>/loi.csv", views.batch_errors, name="batch_errors"),
    path("doi-sanh/", views.run_dedup, name="dedup"),
    path("ra-soat/", views.reviews, name="reviews"),
    path("ra-soat/<int:pk>/", views.review, name="review"),
    path("cong-dan/<int:pk>/", views.person, name="person"),
    path("tach/<int:pk>/", views.unmerge, name="unmerge"),
]
