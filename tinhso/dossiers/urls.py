from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("", views.my_dossiers, name="mine"),
    path("moi/<str:procedure_code>/", views.start, name="start"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/thong-tin/", views.edit_form, name="edit_form"),
    path("<str:code>/giay-to/", views.papers, name="papers"),
    path("<str:code>/giay-to/dung-lai/", views.reuse, name="reuse"),
    path("<str:code>/nop/", views.review, name="review"),
    path("<str:code>/da-nop/", views.submitted, name="submitted"),
    path("<str:code>/rut/", views.withdraw, name="withdraw"),
    path("<str:code>/bien-nhan.pdf", views.receipt, name="receipt"),
    path("<str:code>/tep/<int:document_id>/", views.document, name="document"),
    path("<str:code>/ket-qua.pdf", views.result, name="result"),
    path("<str:code>/phieu/<int:slip_id>.pdf", views.slip, name="slip"),
    path("<str:code>/phieu-kiem-soat.pdf", views.control_slip, name="control_slip"),
    path("<str:code>/bo-sung/", views.supplement, name="supplement"),
    path("<str:code>/danh-gia/", views.rate, name="rate"),
]
