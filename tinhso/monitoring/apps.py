from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "tinhso.monitoring"
    label = "monitoring"
    verbose_name = "Theo dõi, đánh giá"

    def ready(self) -> None:
        from tinhso.dossiers.signals import dossier_changed, dossier_changing

        from .counts import on_dossier_changed, on_dossier_changing

        dossier_changing.connect(on_dossier_changing, dispatch_uid="monitoring.counts.before")
        dossier_changed.connect(on_dossier_changed, dispatch_uid="monitoring.counts.after")
