"""Monitoring pages, one module per sub-domain; this module re-exports every view for `urls.py`.

- `cases`: my tasks, the case list, a case's timeline and step forms, taking a step.
- `leads`: leads (list, new, accept, dismiss, from screening) and the review of declarations.
- `notices`: the notice board, publishing, a notice with its PDF/XLSX, objections.
- `public`: the public notice and the public self-declaration form (`@exempt`, with reasons).
- `alerts`: the department alert import with its report, commit or discard.
- `households`: the indicators and a household's monitoring dossier.
- `_common`: role groups, page size, messages, file answers.

Every staff view is `@scoped` and reads through the scoped selectors.
"""

from zhenxing.monitoring.views.alerts import alerts_commit_view, alerts_view
from zhenxing.monitoring.views.cases import (
    case_list_view,
    case_step_view,
    case_view,
    tasks_view,
)
from zhenxing.monitoring.views.households import household_view, indicators_view
from zhenxing.monitoring.views.leads import (
    declaration_dismiss_view,
    declaration_link_view,
    declarations_view,
    lead_accept_view,
    lead_dismiss_view,
    lead_new_view,
    leads_screening_view,
    leads_view,
)
from zhenxing.monitoring.views.notices import (
    notice_new_view,
    notice_pdf_view,
    notice_view,
    notice_xlsx_view,
    notices_view,
    objection_resolve_view,
    objection_view,
)
from zhenxing.monitoring.views.public import (
    public_declare_view,
    public_notice_pdf_view,
    public_notice_view,
)

__all__ = [
    "alerts_commit_view",
    "alerts_view",
    "case_list_view",
    "case_step_view",
    "case_view",
    "declaration_dismiss_view",
    "declaration_link_view",
    "declarations_view",
    "household_view",
    "indicators_view",
    "lead_accept_view",
    "lead_dismiss_view",
    "lead_new_view",
    "leads_screening_view",
    "leads_view",
    "notice_new_view",
    "notice_pdf_view",
    "notice_view",
    "notice_xlsx_view",
    "notices_view",
    "objection_resolve_view",
    "objection_view",
    "public_declare_view",
    "public_notice_pdf_view",
    "public_notice_view",
    "tasks_view",
]
