from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "tinhso.monitoring"
    label = "monitoring"
    verbose_name = "Theo dõi, đánh giá"

    def ready(self) -> None:
        from tinhso.dossiers.signals import dossier_changed

        from .counts import on_dossier_changed

        dossier_changed.connect(on_dossier_changed, dispatch_uid="monitoring.counts")
