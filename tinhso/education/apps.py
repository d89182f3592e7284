from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "tinhso.education"
    label = "education"
    verbose_name = "Giáo dục số"
