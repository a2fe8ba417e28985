"""Every supervision write (services package; one module per sub-domain)."""

from zhenxing.supervision.services.infrastructure import (
    milestone_done,
    progress_report,
    project_create,
    village_facts_record,
)
from zhenxing.supervision.services.organisation import (
    commander_create,
    department_create,
    group_assign_town,
    group_create,
    work_team_create,
    work_team_member_add,
)
from zhenxing.supervision.services.problems import (
    FindingDraft,
    item_complete,
    item_create,
    problem_assign,
    problem_evidence_add,
    problem_rectify,
    problem_verify,
    problems_escalate,
    visit_record,
)

__all__ = [
    "FindingDraft",
    "commander_create",
    "department_create",
    "group_assign_town",
    "group_create",
    "item_complete",
    "item_create",
    "milestone_done",
    "problem_assign",
    "problem_evidence_add",
    "problem_rectify",
    "problem_verify",
    "problems_escalate",
    "progress_report",
    "project_create",
    "village_facts_record",
    "visit_record",
    "work_team_create",
    "work_team_member_add",
]
