from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "tinhso.health"
    label = "health"
    verbose_name = "Y tế số"
