from django.apps import AppConfig


class PopulationConfig(AppConfig):
    name = "tinhso.population"
    label = "population"
    verbose_name = "Dân cư"
