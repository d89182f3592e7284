from django.urls import path

from . import backoffice_views as views

app_name = "office"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("ky-hang-loat/", views.bulk_sign, name="bulk_sign"),
    path("cong-viec/<int:pk>/", views.job_progress, name="job"),
    path("<str:code>/", views.work, name="work"),
    path("<str:code>/thao-tac/<str:action>/", views.act, name="act"),
    path("<str:code>/du-thao/", views.draft, name="draft"),
    path("<str:code>/du-thao.pdf", views.preview, name="preview"),
]
