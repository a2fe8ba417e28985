from django.apps import AppConfig


class IndustryConfig(AppConfig):
    name = "zhenxing.industry"
    verbose_name = "两金一链 Benefit chain"
