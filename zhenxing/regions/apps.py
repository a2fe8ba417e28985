from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "zhenxing.regions"
    verbose_name = "区划 Regions"
