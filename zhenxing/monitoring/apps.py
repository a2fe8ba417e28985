from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "zhenxing.monitoring"
    verbose_name = "防返贫监测 Monitoring"
