"""Supervision (督战): organisation (assistance groups, member units, group↔town history, resident
work teams, line departments, commanders), the responsibility list, supervision visits, their
findings and problems, infrastructure projects and their progress, village facts and standards.

Every table holding rows of one county carries a non-null `county_code`, and every UNIQUE
constraint and index leads with it. The check-item catalogue, the village standards and the
response deadlines are small reference tables shared by all counties.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhenxing.supervision.choices import (
    CadreLevel,
    Category,
    ItemStatus,
    Level,
    MemberRole,
    OwnerType,
    Pillar,
    ProblemStatus,
    ProjectKind,
    Stage,
)

USER = settings.AUTH_USER_MODEL


# ------------------------------------------------------------------ reference tables


class CheckItem(models.Model):
    """What a supervision visit checks (就医、就学、住房 …); a shared catalogue."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=40)
    pillar = models.CharField(max_length=16, choices=Pillar.choices)
    household_hardship = models.BooleanField(default=False)  # a finding here is a risk clue
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class VillageStandard(models.Model):
    """A village-level public-service standard checked against `VillageFacts` (`fact` names
    one of its counting columns; the village meets it when the count is at least `minimum`)."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=60)
    fact = models.CharField(max_length=20)
    minimum = models.PositiveSmallIntegerField(default=1)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class ResponseDeadline(models.Model):
    """Days from a warning to a response stage; a county row overrides the shared one
    (`county_code` blank). Identification's deadline is monitoring's `lead_decision_days`."""

    county_code = models.CharField(max_length=6, blank=True)
    stage = models.CharField(max_length=10, choices=Stage.choices)
    days = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county_code", "stage"], name="sup_deadline_stage")
        ]

    def __str__(self) -> str:
        return f"{self.stage} {self.days}"


# ------------------------------------------------------------------ organisation


class Department(models.Model):
    """A line department (行业部门) of the district."""

    county_code = models.CharField(max_length=6)
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["county_code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county_code", "name"], name="sup_dept_name")
        ]

    def __str__(self) -> str:
        return self.name


class AssistanceGroup(models.Model):
    """An assistance group (扶贫集团), led by one of its member units."""

    county_code = models.CharField(max_length=6)
    name = models.CharField(max_length=60)
    lead_unit = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["county_code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county_code", "name"], name="sup_group_name")
        ]

    def __str__(self) -> str:
        return self.name


class MemberUnit(models.Model):
    county_code = models.CharField(max_length=6)
    group = models.ForeignKey(AssistanceGroup, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["county_code", "group", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county_code", "name"], name="sup_unit_name")
        ]

    def __str__(self) -> str:
        return self.name


class GroupTown(models.Model):
    """Which group is fixed to a town, from `since` to `until` (open: still). Two groups may
    not hold one town over the same days: the service refuses an overlap."""

    county_code = models.CharField(max_length=6)
    group = models.ForeignKey(AssistanceGroup, on_delete=models.PROTECT, related_name="towns")
    town_code = models.CharField(max_length=9)
    since = models.DateField()
    until = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["county_code", "town_code", "since"]
        indexes = [
            models.Index(fields=["county_code", "town_code", "since"], name="sup_grouptown_town")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "town_code", "since"], name="sup_grouptown_since"
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="sup_grouptown_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group_id} {self.town_code} {self.since}"


class WorkTeam(models.Model):
    """The resident work team (驻村工作队) of one village; `size` is the team it should have."""

    county_code = models.CharField(max_length=6)
    town_code = models.CharField(max_length=9)
    village_code = models.CharField(max_length=12)
    size = models.PositiveSmallIntegerField(default=6)  # "3+3"
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["county_code", "village_code"]
        indexes = [models.Index(fields=["county_code", "town_code"], name="sup_team_town")]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "village_code"],
                condition=Q(ended_on__isnull=True),
                name="sup_team_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"team {self.village_code}"


class WorkTeamMember(models.Model):
    """A first secretary or team member, by staff number; one village at a time."""

    county_code = models.CharField(max_length=6)
    team = models.ForeignKey(WorkTeam, on_delete=models.PROTECT, related_name="members")
    village_code = models.CharField(max_length=12)
    staff_no = models.CharField(max_length=30)
    name = models.CharField(max_length=60)
    role = models.CharField(max_length=16, choices=MemberRole.choices)
    home_unit = models.CharField(max_length=80)
    level = models.CharField(max_length=10, choices=CadreLevel.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["county_code", "team", "role", "name"]
        indexes = [
            models.Index(fields=["county_code", "staff_no", "started_on"], name="sup_member_staff"),
            models.Index(fields=["county_code", "village_code"], name="sup_member_village"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "staff_no", "started_on"], name="sup_member_start"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="sup_member_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Commander(models.Model):
    """A district leader acting as supervising commander (督战指挥长)."""

    county_code = models.CharField(max_length=6)
    name = models.CharField(max_length=60)
    title = models.CharField(max_length=80)
    user = models.OneToOneField(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="commander"
    )

    class Meta:
        ordering = ["county_code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["county_code", "name"], name="sup_commander_name")
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.name}"


class CommanderTown(models.Model):
    """A town under a commander."""

    county_code = models.CharField(max_length=6)
    commander = models.ForeignKey(Commander, on_delete=models.CASCADE, related_name="town_rows")
    town_code = models.CharField(max_length=9)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "town_code", "commander"], name="sup_cmd_town"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commander_id} {self.town_code}"


class CommanderDepartment(models.Model):
    """A line department under a commander."""

    county_code = models.CharField(max_length=6)
    commander = models.ForeignKey(Commander, on_delete=models.CASCADE, related_name="dept_rows")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "department", "commander"], name="sup_cmd_dept"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commander_id} {self.department_id}"


# ------------------------------------------------------------------ owned work


class Owned(models.Model):
    """Who must do it: a department, a town, a village, a work team or a cadre (an account).
    `town_code`/`village_code` place the work for scope and escalation."""

    county_code = models.CharField(max_length=6)
    town_code = models.CharField(max_length=9, blank=True)
    village_code = models.CharField(max_length=12, blank=True)
    owner_type = models.CharField(max_length=10, choices=OwnerType.choices)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    work_team = models.ForeignKey(
        WorkTeam, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_name = models.CharField(max_length=80)

    class Meta:
        abstract = True


class ResponsibilityItem(Owned):
    """One duty of the responsibility list (《责任清单》)."""

    title = models.CharField(max_length=200)
    pillar = models.CharField(max_length=16, choices=Pillar.choices)
    due_on = models.DateField()
    status = models.CharField(max_length=6, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    done_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["county_code", "status", "due_on"], name="sup_item_county"),
            models.Index(fields=["county_code", "town_code", "status"], name="sup_item_town"),
            models.Index(fields=["county_code", "department", "status"], name="sup_item_dept"),
            models.Index(fields=["county_code", "owner_user", "status"], name="sup_item_user"),
        ]

    def __str__(self) -> str:
        return self.title


class SupervisionVisit(models.Model):
    county_code = models.CharField(max_length=6)
    town_code = models.CharField(max_length=9)
    village_code = models.CharField(max_length=12, blank=True)
    household = models.ForeignKey(
        "households.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField()
    commander = models.ForeignKey(Commander, on_delete=models.PROTECT, related_name="visits")
    companions = models.CharField(max_length=200, blank=True)
    checked = models.JSONField(default=list)  # CheckItem codes
    summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["county_code", "town_code", "visited_on"], name="sup_visit_town"),
            models.Index(fields=["county_code", "commander", "visited_on"], name="sup_visit_cmd"),
        ]

    def __str__(self) -> str:
        return f"visit {self.visited_on} {self.town_code}"


class Finding(models.Model):
    county_code = models.CharField(max_length=6)
    visit = models.ForeignKey(SupervisionVisit, on_delete=models.PROTECT, related_name="findings")
    check_item = models.ForeignKey(CheckItem, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "households.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()

    class Meta:
        ordering = ["county_code", "visit", "id"]
        indexes = [models.Index(fields=["county_code", "visit"], name="sup_finding_visit")]

    def __str__(self) -> str:
        return self.text[:40]


class Problem(Owned):
    """A finding given to an owner with a rectification deadline; closed only with evidence
    and a verification by someone other than the owner and the rectifier (four eyes)."""

    finding = models.OneToOneField(Finding, on_delete=models.PROTECT, related_name="problem")
    commander = models.ForeignKey(Commander, on_delete=models.PROTECT, related_name="problems")
    household = models.ForeignKey(
        "households.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200)
    found_on = models.DateField()
    deadline = models.DateField()
    status = models.CharField(
        max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    rectification = models.TextField(blank=True)
    rectified_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rectified_on = models.DateField(null=True, blank=True)
    verified_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_on = models.DateField(null=True, blank=True)
    verification_note = models.TextField(blank=True)
    escalated_on = models.DateField(null=True, blank=True)
    lead = models.ForeignKey(
        "monitoring.Lead", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["county_code", "status", "deadline"], name="sup_prob_county"),
            models.Index(fields=["county_code", "town_code", "status"], name="sup_prob_town"),
            models.Index(fields=["county_code", "department", "status"], name="sup_prob_dept"),
            models.Index(fields=["county_code", "commander", "status"], name="sup_prob_cmd"),
            models.Index(fields=["county_code", "owner_user", "status"], name="sup_prob_user"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("found_on")), name="sup_prob_deadline"
            ),
            models.CheckConstraint(
                condition=~Q(status=ProblemStatus.VERIFIED) | ~Q(rectification=""),
                name="sup_prob_evidence",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Evidence(models.Model):
    """A rectification file of a problem, stored privately (core.uploads)."""

    county_code = models.CharField(max_length=6)
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="evidence")
    file_name = models.CharField(max_length=120)
    stored = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["county_code", "problem", "id"]
        indexes = [models.Index(fields=["county_code", "problem"], name="sup_evidence_problem")]

    def __str__(self) -> str:
        return self.file_name


# ------------------------------------------------------------------ infrastructure


class Project(Owned):
    """A target and the project that answers it, at district, town or village level."""

    code = models.CharField(max_length=30)
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=12, choices=Category.choices)
    kind = models.CharField(max_length=8, choices=ProjectKind.choices)
    level = models.CharField(max_length=8, choices=Level.choices)
    unit = models.CharField(max_length=10)
    target = models.DecimalField(max_digits=12, decimal_places=2)
    due_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["county_code", "kind", "category", "code"]
        constraints = [
            models.UniqueConstraint(fields=["county_code", "code"], name="sup_project_code")
        ]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    county_code = models.CharField(max_length=6)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="milestones")
    name = models.CharField(max_length=80)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["county_code", "project", "due_on"]
        indexes = [models.Index(fields=["county_code", "project"], name="sup_milestone_proj")]

    def __str__(self) -> str:
        return self.name


class ProgressReport(models.Model):
    """The project's cumulative value as of `reported_on`; above the target needs a note."""

    county_code = models.CharField(max_length=6)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="reports")
    reported_on = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.CharField(max_length=200, blank=True)
    reporter = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["county_code", "project", "reported_on", "id"]
        indexes = [
            models.Index(fields=["county_code", "project", "reported_on"], name="sup_report_proj")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.reported_on} {self.value}"


class VillageFacts(models.Model):
    """Counted public services of one administrative village."""

    county_code = models.CharField(max_length=6)
    town_code = models.CharField(max_length=9)
    village_code = models.CharField(max_length=12)
    clinics = models.PositiveSmallIntegerField(default=0)
    doctors = models.PositiveSmallIntegerField(default=0)
    waste_sorting = models.PositiveSmallIntegerField(default=0)  # 1 = covered
    as_of = models.DateField()
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["county_code", "village_code"]
        indexes = [models.Index(fields=["county_code", "town_code"], name="sup_facts_town")]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "village_code"], name="sup_facts_village"
            )
        ]

    def __str__(self) -> str:
        return f"facts {self.village_code}"


FACT_COLUMNS = ("clinics", "doctors", "waste_sorting")
