from django.apps import AppConfig


class PimConfig(AppConfig):
    name = "pim"
    verbose_name = "PIM hub"
