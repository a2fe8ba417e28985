from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "zhenxing.demo"
    verbose_name = "演示数据 Demo district"
