from django.urls import path

from . import views

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
]
