"""Administrative divisions and the record of their code changes."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from zhenxing.regions.domain import DivisionLevel


class Division(models.Model):
    """One county, town (乡级), village (村级) or village group (村民小组) for a period of validity.

    `code` is the significant prefix (6/9/12/15 digits); `county_code`, `town_code` and
    `village_code` are denormalised so "everything under X" is one equality filter.
    """

    LEVEL_CHOICES = [
        (DivisionLevel.COUNTY.value, "区县 County"),
        (DivisionLevel.TOWN.value, "乡镇街道 Town"),
        (DivisionLevel.VILLAGE.value, "村社区 Village"),
        (DivisionLevel.GROUP.value, "村民小组 Village group"),
    ]
    KIND_CHOICES = [
        ("county", "区县 County"),
        ("street", "街道 Street"),
        ("town", "镇 Town"),
        ("township", "乡 Township"),
        ("community", "社区 Community"),
        ("village", "村 Village"),
        ("group", "村民小组 Group"),
    ]

    code = models.CharField("代码 Code", max_length=15, db_index=True)
    name = models.CharField("名称 Name", max_length=100)
    level = models.CharField("层级 Level", max_length=8, choices=LEVEL_CHOICES)
    kind = models.CharField("类型 Kind", max_length=10, choices=KIND_CHOICES)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    county_code = models.CharField(max_length=6, db_index=True)
    town_code = models.CharField(max_length=9, blank=True, db_index=True)
    village_code = models.CharField(max_length=12, blank=True, db_index=True)
    valid_from = models.DateField("起始日期 Valid from")
    valid_to = models.DateField("截止日期 Valid to", null=True, blank=True)
    illustrative = models.BooleanField(
        "示意代码 Illustrative",
        default=False,
        help_text="按编码规则编制，非统计局公布值 / follows the coding rules, not the NBS table",
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(valid_to__isnull=True), name="division_current_code"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="division_valid_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class DivisionChange(models.Model):
    """A code change (撤并 merge, 更名 rename, 新设 create, 撤销 abolish) and its effective date."""

    KIND_CHOICES = [
        ("create", "新设 Created"),
        ("rename", "更名 Renamed"),
        ("merge", "撤并 Merged"),
        ("abolish", "撤销 Abolished"),
    ]

    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField("变更类型 Kind", max_length=8, choices=KIND_CHOICES)
    old_code = models.CharField(max_length=15, blank=True)
    new_code = models.CharField(max_length=15, blank=True)
    old_name = models.CharField(max_length=100, blank=True)
    new_name = models.CharField(max_length=100, blank=True)
    successor = models.ForeignKey(
        Division, null=True, blank=True, on_delete=models.PROTECT, related_name="absorbed"
    )
    effective_date = models.DateField("生效日期 Effective")
    note = models.CharField("说明 Note", max_length=200, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["effective_date", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.old_code}→{self.new_code} {self.effective_date}"
