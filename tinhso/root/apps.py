from django.apps import AppConfig


class RootConfig(AppConfig):
    name = "tinhso.root"
    label = "root"
    verbose_name = "Nền tảng (lắp ráp) / Platform wiring"
