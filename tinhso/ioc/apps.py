from django.apps import AppConfig


class IocConfig(AppConfig):
    name = "tinhso.ioc"
    label = "ioc"
    verbose_name = "Trung tâm điều hành"
