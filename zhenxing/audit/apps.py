from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhenxing.audit"
    verbose_name = "审计 Audit"
