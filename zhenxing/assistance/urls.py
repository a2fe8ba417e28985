from django.urls import path

from zhenxing.assistance import views

app_name = "assistance"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("mine/", views.mine_view, name="mine"),
    path("overview/", views.overview_view, name="overview"),
    path("propose/", views.propose_view, name="propose"),
    path("households/<int:pk>/", views.household_view, name="household"),
    path("households/<int:pk>/visit/", views.visit_view, name="visit"),
    path("households/<int:pk>/handbook.pdf", views.handbook_view, name="handbook"),
    path("households/<int:pk>/print/<str:document>/", views.print_view, name="print"),
    path("items/<int:pk>/review/", views.item_review_view, name="item_review"),
    path("discrepancies/", views.discrepancies_view, name="discrepancies"),
    path("discrepancies/refresh/", views.discrepancies_refresh_view, name="discrepancies_refresh"),
    path("discrepancies/<int:pk>/resolve/", views.discrepancy_resolve_view, name="resolve"),
    path("pairings/import/", views.pairing_import_view, name="pairing_import"),
    path("villages/<str:code>/handbooks/", views.village_handbooks_view, name="village_handbooks"),
    path("jobs/<uuid:job_id>/", views.job_view, name="job"),
    path("check/<str:token>/", views.check_view, name="check"),
]
