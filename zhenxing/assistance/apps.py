from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "zhenxing.assistance"
    verbose_name = "帮扶 Assistance"
