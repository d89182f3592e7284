from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("", views.home, name="home"),
    path("ban-do.json", views.map_points, name="map_points"),
    path("phan-anh.geojson", views.export_geojson, name="geojson"),
    path("gui/", views.new_report, name="new"),
    path("xac-nhan-so-dien-thoai/", views.confirm_phone, name="phone"),
    path("anh/<int:pk>/", views.photo, name="photo"),
    path("can-bo/", views.office_queue, name="office_queue"),
    path("can-bo/<str:code>/", views.office_detail, name="office_detail"),
    path("can-bo/<str:code>/tra-loi/", views.office_answer, name="office_answer"),
    path("can-bo/<str:code>/giao/", views.office_assign, name="office_assign"),
    path("can-bo/<str:code>/chuyen/", views.office_forward, name="office_forward"),
    path("can-bo/<str:code>/gop/", views.office_merge, name="office_merge"),
    path("can-bo/<str:code>/cong-khai/", views.office_publish, name="office_publish"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/danh-gia/", views.rate, name="rate"),
    path("<str:code>/mo-lai/", views.reopen, name="reopen"),
]
