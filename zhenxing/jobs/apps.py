from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "zhenxing.jobs"
    verbose_name = "后台任务 Jobs"
