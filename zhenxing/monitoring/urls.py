from django.urls import path

from zhenxing.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.tasks_view, name="tasks"),
    path("cases/", views.case_list_view, name="cases"),
    path("cases/<int:pk>/", views.case_view, name="case"),
    path("cases/<int:pk>/step/<str:action>/", views.case_step_view, name="case_step"),
    path("leads/", views.leads_view, name="leads"),
    path("leads/new/", views.lead_new_view, name="lead_new"),
    path("leads/screening/", views.leads_screening_view, name="leads_screening"),
    path("leads/<int:pk>/accept/", views.lead_accept_view, name="lead_accept"),
    path("leads/<int:pk>/dismiss/", views.lead_dismiss_view, name="lead_dismiss"),
    path("declarations/", views.declarations_view, name="declarations"),
    path("declarations/<int:pk>/link/", views.declaration_link_view, name="declaration_link"),
    path(
        "declarations/<int:pk>/dismiss/",
        views.declaration_dismiss_view,
        name="declaration_dismiss",
    ),
    path("notices/", views.notices_view, name="notices"),
    path("notices/new/", views.notice_new_view, name="notice_new"),
    path("notices/<int:pk>/", views.notice_view, name="notice"),
    path("notices/<int:pk>/notice.pdf", views.notice_pdf_view, name="notice_pdf"),
    path("notices/<int:pk>/notice.xlsx", views.notice_xlsx_view, name="notice_xlsx"),
    path("notices/<int:pk>/objections/", views.objection_view, name="objection"),
    path("objections/<int:pk>/resolve/", views.objection_resolve_view, name="objection_resolve"),
    path("alerts/", views.alerts_view, name="alerts"),
    path("alerts/<uuid:key>/commit/", views.alerts_commit_view, name="alerts_commit"),
    path("indicators/", views.indicators_view, name="indicators"),
    path("households/<int:pk>/", views.household_view, name="household"),
    path("public/notices/<uuid:public_id>/", views.public_notice_view, name="public_notice"),
    path(
        "public/notices/<uuid:public_id>/notice.pdf",
        views.public_notice_pdf_view,
        name="public_notice_pdf",
    ),
    path("public/declare/", views.public_declare_view, name="declare"),
]
