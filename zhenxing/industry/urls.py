from django.urls import path

from zhenxing.industry.views import (
    agreements,
    deliveries,
    dividends,
    ledger,
    parties,
    purchasing,
    seasons,
    settlement,
)

app_name = "industry"

urlpatterns = [
    path("", seasons.home_view, name="home"),
    path("seasons/new/", seasons.season_new_view, name="season_new"),
    path("seasons/<int:season_id>/", seasons.season_view, name="season"),
    path("seasons/<int:season_id>/settle/", settlement.settle_view, name="settle"),
    path("seasons/<int:season_id>/agreements/", agreements.agreements_view, name="agreements"),
    path("seasons/<int:season_id>/deliveries/", deliveries.deliveries_view, name="deliveries"),
    path("seasons/<int:season_id>/statements/", settlement.statements_view, name="statements"),
    path(
        "seasons/<int:season_id>/statements.xlsx",
        settlement.statements_export_view,
        name="statements_export",
    ),
    path(
        "seasons/<int:season_id>/reconciliation/",
        settlement.reconciliation_view,
        name="reconciliation",
    ),
    path("agreements/<str:kind>/<int:pk>/deposit/", agreements.deposit_view, name="deposit"),
    path("parties/", parties.parties_view, name="parties"),
    path("points/<int:point_id>/", purchasing.purchase_view, name="purchase"),
    path("points/<int:point_id>/weigh/", purchasing.weigh_view, name="weigh"),
    path("points/<int:point_id>/members/", purchasing.member_search_view, name="members"),
    path("points/<int:point_id>/price/", purchasing.price_view, name="price"),
    path("weighings/<uuid:client_id>/receipt/", purchasing.receipt_view, name="receipt"),
    path("r/<uuid:client_id>/", purchasing.receipt_verify_view, name="receipt_verify"),
    path("statements/<int:pk>/", settlement.statement_view, name="statement"),
    path("ledger/", ledger.ledger_view, name="ledger"),
    path("ledger/entries/<int:pk>/", ledger.entry_view, name="entry"),
    path("ledger/entries/<int:pk>/reverse/", ledger.entry_reverse_view, name="entry_reverse"),
    path("ledger/pending/<int:pk>/", ledger.pending_decide_view, name="pending_decide"),
    path("dividends/", dividends.dividends_view, name="dividends"),
    path("dividends/<int:pk>/", dividends.dividend_view, name="dividend"),
    path("dividends/<int:pk>/approve/", dividends.dividend_approve_view, name="dividend_approve"),
    path("clerks/", parties.clerks_view, name="clerks"),
]
