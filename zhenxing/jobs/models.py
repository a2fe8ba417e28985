"""Progress-tracked background jobs. The task queue runs them; this row is what users watch."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Job(models.Model):
    STATUS_CHOICES = [
        ("queued", "排队中 Queued"),
        ("running", "运行中 Running"),
        ("done", "已完成 Done"),
        ("failed", "失败 Failed"),
    ]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("类型 Kind", max_length=48)
    status = models.CharField("状态 Status", max_length=8, choices=STATUS_CHOICES, default="queued")
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(default=0)
    message = models.CharField(max_length=200, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.status}"

    @property
    def percent(self) -> int:
        return (
            100 if self.status == "done" else int(100 * self.done / self.total) if self.total else 0
        )
