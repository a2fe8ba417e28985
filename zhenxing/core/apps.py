from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhenxing.core"
    verbose_name = "核心 Core"
