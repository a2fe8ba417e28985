from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhenxing.accounts"
    verbose_name = "账户 Accounts"

    def ready(self) -> None:
        from zhenxing.accounts import checks, signals  # noqa: F401 — registers handlers
