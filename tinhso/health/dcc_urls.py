from django.urls import path

from . import dcc_views as views

app_name = "health_dcc"

urlpatterns = [
    path("chung-nhan/", views.my_certificates, name="my_certificates"),
    path("chung-nhan/<int:pk>/", views.certificate, name="certificate"),
    path("chung-nhan/<int:pk>/qr.png", views.certificate_qr, name="certificate_qr"),
    path("chung-nhan/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("tiem-chung/", views.vaccination_home, name="vaccination"),
    path(
        "tiem-chung/<str:code>/nguoi-benh/<int:patient_id>/",
        views.patient_doses,
        name="patient_doses",
    ),
    path(
        "tiem-chung/<str:code>/nguoi-benh/<int:patient_id>/cap-chung-nhan/",
        views.issue_certificate,
        name="issue_certificate",
    ),
    path("tiem-chung/<str:code>/can-tiem/", views.due_list, name="due_list"),
    path("ke-don/", views.prescribing_home, name="prescribing"),
    path("luot-kham/<int:encounter_id>/ke-don/", views.prescribe, name="prescribe"),
    path("don-thuoc/<str:code>/", views.prescription, name="prescription"),
    path("don-thuoc/<str:code>/pdf/", views.prescription_pdf, name="prescription_pdf"),
    path("nha-thuoc/", views.pharmacy, name="pharmacy"),
]
