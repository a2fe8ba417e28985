"""R3: what `zhenxing demo` created, so a later run can tell a demo database from a real one.

Demo accounts carry `User.is_demo`; each build of households is recorded here by its id range.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class DemoBuild(models.Model):
    created_at = models.DateTimeField(default=timezone.now)
    seed = models.IntegerField()
    scale = models.FloatField()
    first_household_id = models.BigIntegerField(null=True)
    last_household_id = models.BigIntegerField(null=True)
    households = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"demo build #{self.pk} ({self.households} households)"
