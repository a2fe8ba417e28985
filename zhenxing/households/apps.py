from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "zhenxing.households"
    verbose_name = "农户登记 Household registry"
