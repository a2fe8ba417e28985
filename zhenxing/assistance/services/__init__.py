"""Every write of assistance, one module per sub-domain; the public names are re-exported."""

from zhenxing.assistance.services.documents import (
    discrepancies_refresh,
    discrepancy_resolve,
    record_changed_at,
    stamp_print,
)
from zhenxing.assistance.services.measures import measure_progress, measure_record
from zhenxing.assistance.services.officers import (
    officer_assign,
    officer_change,
    officer_unassign,
    parameter,
)
from zhenxing.assistance.services.plans import item_accept, item_add, item_reject, plans_propose
from zhenxing.assistance.services.visits import VisitDraft, visit_record

__all__ = [
    "VisitDraft",
    "discrepancies_refresh",
    "discrepancy_resolve",
    "item_accept",
    "item_add",
    "item_reject",
    "measure_progress",
    "measure_record",
    "officer_assign",
    "officer_change",
    "officer_unassign",
    "parameter",
    "plans_propose",
    "record_changed_at",
    "stamp_print",
    "visit_record",
]
