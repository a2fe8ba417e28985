from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "zhenxing.ledger"
    verbose_name = "复式记账 Ledger"
