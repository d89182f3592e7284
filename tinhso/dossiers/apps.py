from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "tinhso.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ"

    def ready(self) -> None:
        from .queue_counts import on_dossier_changed, on_dossier_changing
        from .signals import dossier_changed, dossier_changing

        dossier_changing.connect(on_dossier_changing, dispatch_uid="dossiers.queue_counts.before")
        dossier_changed.connect(on_dossier_changed, dispatch_uid="dossiers.queue_counts.after")
