from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "zhenxing.supervision"
    verbose_name = "督战"
