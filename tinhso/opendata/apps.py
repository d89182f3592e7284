from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "tinhso.opendata"
    label = "opendata"
    verbose_name = "Dữ liệu mở"

    def ready(self) -> None:
        from . import metrics  # noqa: F401  (registers the goal metric it measures)
