from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "tinhso.monitoring"
    label = "monitoring"
    verbose_name = "Theo dõi, đánh giá"
