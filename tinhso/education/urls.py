from django.urls import path

from . import admission_views, views

app_name = "education"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "lop/<int:class_id>/mon/<int:subject_id>/hoc-ki/<int:term_id>/",
        views.mark_sheet,
        name="sheet",
    ),
    path("truong/<int:school_id>/hoc-ki/<int:term_id>/chot/", views.close_term, name="close_term"),
    path("hoc-sinh/<int:pupil_id>/", views.pupil, name="pupil"),
    path("lop/<int:class_id>/hoc-ki/<int:term_id>/nhan-xet/", views.reviews, name="reviews"),
    path("lop/<int:class_id>/diem-danh/", views.attendance, name="attendance"),
    path("lop/<int:class_id>/hoc-ba/", views.class_results, name="class_results"),
    path("truong/<int:school_id>/van-bang/", views.diplomas, name="diplomas"),
    path("truong/<int:school_id>/nhap-hoc-sinh/", views.import_pupils, name="import_pupils"),
    path("tuyen-sinh/", admission_views.admission_rounds_page, name="admission_rounds"),
    path(
        "tuyen-sinh/<int:year>/quan-ly/", admission_views.admission_manage, name="admission_manage"
    ),
    path("tuyen-sinh/<int:year>/", admission_views.admission_results, name="admission_results"),
]
