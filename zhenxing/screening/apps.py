from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "zhenxing.screening"
    verbose_name = "稳定性排查 Screening"
