from django.urls import path

from zhenxing.households import views_import as views

app_name = "households_import"

urlpatterns = [
    path("", views.import_home_view, name="home"),
    path("template.xlsx", views.template_view, name="template"),
    path("export/", views.export_view, name="export"),
    path("<uuid:job_id>/", views.job_view, name="job"),
    path("<uuid:job_id>/progress/", views.job_progress_view, name="progress"),
    path("<uuid:job_id>/report.xlsx", views.report_view, name="report"),
    path("<uuid:job_id>/commit/", views.commit_view, name="commit"),
    path("<uuid:job_id>/discard/", views.discard_view, name="discard"),
]
