from django.urls import path

from zhenxing.industry import views

app_name = "industry"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("seasons/new/", views.season_new_view, name="season_new"),
    path("seasons/<int:season_id>/", views.season_view, name="season"),
    path("seasons/<int:season_id>/settle/", views.settle_view, name="settle"),
    path("seasons/<int:season_id>/agreements/", views.agreements_view, name="agreements"),
    path("seasons/<int:season_id>/deliveries/", views.deliveries_view, name="deliveries"),
    path("seasons/<int:season_id>/statements/", views.statements_view, name="statements"),
    path(
        "seasons/<int:season_id>/statements.xlsx",
        views.statements_export_view,
        name="statements_export",
    ),
    path(
        "seasons/<int:season_id>/reconciliation/",
        views.reconciliation_view,
        name="reconciliation",
    ),
    path("agreements/<str:kind>/<int:pk>/deposit/", views.deposit_view, name="deposit"),
    path("parties/", views.parties_view, name="parties"),
    path("points/<int:point_id>/", views.purchase_view, name="purchase"),
    path("points/<int:point_id>/weigh/", views.weigh_view, name="weigh"),
    path("points/<int:point_id>/members/", views.member_search_view, name="members"),
    path("points/<int:point_id>/price/", views.price_view, name="price"),
    path("weighings/<uuid:client_id>/receipt/", views.receipt_view, name="receipt"),
    path("r/<uuid:client_id>/", views.receipt_verify_view, name="receipt_verify"),
    path("statements/<int:pk>/", views.statement_view, name="statement"),
    path("ledger/", views.ledger_view, name="ledger"),
    path("ledger/entries/<int:pk>/", views.entry_view, name="entry"),
    path("ledger/entries/<int:pk>/reverse/", views.entry_reverse_view, name="entry_reverse"),
    path("ledger/pending/<int:pk>/", views.pending_decide_view, name="pending_decide"),
    path("dividends/", views.dividends_view, name="dividends"),
    path("dividends/<int:pk>/", views.dividend_view, name="dividend"),
    path("dividends/<int:pk>/approve/", views.dividend_approve_view, name="dividend_approve"),
    path("clerks/", views.clerks_view, name="clerks"),
]
