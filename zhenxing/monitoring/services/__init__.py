"""Writes of the monitoring procedure: one function per use case, atomic, audited.

The package holds one module per sub-domain; this module re-exports their public names, so
`from zhenxing.monitoring import services` and `services.<name>` keep working.

- `leads`: `lead_record`, `leads_from_screening`, `lead_accept`, `lead_dismiss`.
- `declarations`: `DeclarationReceipt`, `declaration_receive`, `declaration_link`,
  `declaration_dismiss`.
- `cases`: `case_advance` and its named steps (`case_verify`, `case_authorise`, `case_compare`,
  `case_evaluate`, `case_close_notice`, `case_town_review`, `case_county_approve`,
  `case_include`, `case_reject`), `elimination_open`, `attachment_meta`, `ACTION_LABELS`.
- `steps`: each step's input read and checked (`StepInput`, `HANDLERS`).
- `notices`: `notice_publish`, `objection_record`, `objection_resolve`.
- `evidence`: `income_observe`, `income_observations_from_run`, `measure_record`,
  `measure_done`.
- `_common`: region codes, the scope re-check, `risk_mask_of`, `risk_types_of`, field errors.

Reads the services need (the open identification case, objection counts, the declaration rate
limit) are selectors in `monitoring.selectors`. `Household.monitoring_type` is written only by
`households.services.monitoring_type_set`, called from a case step.
"""

from zhenxing.monitoring.services._common import risk_mask_of, risk_types_of
from zhenxing.monitoring.services.cases import (
    ACTION_LABELS,
    MAX_ATTACHMENTS,
    attachment_meta,
    case_advance,
    case_authorise,
    case_close_notice,
    case_compare,
    case_county_approve,
    case_evaluate,
    case_include,
    case_reject,
    case_town_review,
    case_verify,
    elimination_open,
)
from zhenxing.monitoring.services.declarations import (
    DeclarationReceipt,
    declaration_dismiss,
    declaration_link,
    declaration_receive,
)
from zhenxing.monitoring.services.evidence import (
    income_observations_from_run,
    income_observe,
    measure_done,
    measure_record,
)
from zhenxing.monitoring.services.leads import (
    lead_accept,
    lead_dismiss,
    lead_record,
    leads_from_screening,
)
from zhenxing.monitoring.services.notices import (
    notice_publish,
    objection_record,
    objection_resolve,
)
from zhenxing.monitoring.services.steps import StepInput

__all__ = [
    "ACTION_LABELS",
    "MAX_ATTACHMENTS",
    "DeclarationReceipt",
    "StepInput",
    "attachment_meta",
    "case_advance",
    "case_authorise",
    "case_close_notice",
    "case_compare",
    "case_county_approve",
    "case_evaluate",
    "case_include",
    "case_reject",
    "case_town_review",
    "case_verify",
    "declaration_dismiss",
    "declaration_link",
    "declaration_receive",
    "elimination_open",
    "income_observations_from_run",
    "income_observe",
    "lead_accept",
    "lead_dismiss",
    "lead_record",
    "leads_from_screening",
    "measure_done",
    "measure_record",
    "notice_publish",
    "objection_record",
    "objection_resolve",
    "risk_mask_of",
    "risk_types_of",
]
