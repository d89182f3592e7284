from django.urls import path

from . import views

app_name = "health"

urlpatterns = [
    path("", views.home, name="home"),
    path("co-so/<str:code>/tiep-don/", views.reception, name="reception"),
    path("co-so/<str:code>/lich-hen/", views.slots, name="slots"),
    path("co-so/<str:code>/nguoi-benh/<int:patient_id>/", views.patient_record, name="record"),
    path(
        "co-so/<str:code>/nguoi-benh/<int:patient_id>/khan-cap/",
        views.break_glass,
        name="break_glass",
    ),
    path(
        "co-so/<str:code>/nguoi-benh/<int:patient_id>/ghi/<slug:what>/",
        views.record_entry,
        name="record_entry",
    ),
    path("ho-so-cua-toi/", views.mine, name="mine"),
    path("ho-so-cua-toi/<int:patient_id>/", views.my_record, name="my_record"),
    path("ho-so-cua-toi/<int:patient_id>/ips.json", views.my_record_ips, name="my_record_ips"),
    path("ho-so-cua-toi/<int:patient_id>/ho-so.pdf", views.my_record_pdf, name="my_record_pdf"),
    path("dat-lich/", views.book, name="book"),
    path("dat-lich/<int:appointment_id>/", views.book_slot, name="book_slot"),
    path("lich-hen/<int:appointment_id>/huy/", views.cancel_slot, name="cancel_slot"),
]
