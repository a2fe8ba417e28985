"""The append-only, hash-chained audit trail (security.md §3)."""

from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    """One event. Rows are never updated or deleted (the database refuses both).

    `hash` is an HMAC over this row's fields and the previous row's hash, keyed outside the
    database, so an edited, inserted or deleted row breaks the chain at that point.
    """

    seq = models.BigIntegerField("序号 Sequence", unique=True)
    occurred_at = models.DateTimeField("时间 Time", db_index=True)
    actor_id = models.BigIntegerField("用户ID User id", null=True, blank=True, db_index=True)
    actor_username = models.CharField("用户 User", max_length=150, blank=True)
    role = models.CharField("角色 Role", max_length=32, blank=True)
    ip = models.GenericIPAddressField("地址 IP", null=True, blank=True)
    request_id = models.CharField("请求 Request", max_length=64, blank=True)
    event = models.CharField("事件 Event", max_length=48, db_index=True)
    object_type = models.CharField("对象类型 Object type", max_length=48, blank=True)
    object_id = models.CharField("对象 Object", max_length=64, blank=True)
    outcome = models.CharField("结果 Outcome", max_length=16)
    detail = models.JSONField("说明 Detail", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event} {self.outcome}"


class AuditChainHead(models.Model):
    """The single row holding the chain's last position; locked while a row is appended.

    It also lets verification notice rows deleted from the end of the chain.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"chain head #{self.seq}"
