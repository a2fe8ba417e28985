from django.urls import path

from zhenxing.screening import views

app_name = "screening"

urlpatterns = [
    path("", views.runs_view, name="runs"),
    path("runs/table/", views.runs_partial_view, name="runs_table"),
    path("runs/start/", views.run_start_view, name="run_start"),
    path("runs/<int:run_id>/", views.run_view, name="run"),
    path("runs/<int:run_id>/town/<str:code>/", views.run_view, name="town"),
    path("runs/<int:run_id>/village/<str:code>/", views.village_view, name="village"),
    path("runs/<int:run_id>/households/<int:household_id>/", views.explain_view, name="explain"),
    path("runs/<int:run_id>/publish/", views.run_publish_view, name="publish"),
    path("runs/<int:run_id>/discard/", views.run_discard_view, name="discard"),
    path("runs/<int:run_id>/compare/<int:base_id>/", views.compare_view, name="compare"),
    path("runs/<int:run_id>/export.xlsx", views.export_view, name="export"),
    path("rules/", views.rules_view, name="rules"),
    path("rules/new/", views.rule_set_new_view, name="rule_set_new"),
    path("rules/<int:rule_set_id>/", views.rule_set_view, name="rule_set"),
    path("rules/<int:rule_set_id>/publish/", views.rule_set_publish_view, name="rule_set_publish"),
    path("parameters/", views.parameter_set_view, name="parameter_set"),
]
