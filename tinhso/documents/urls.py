from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.my_documents, name="mine"),
    path("<int:pk>/", views.download, name="download"),
]
