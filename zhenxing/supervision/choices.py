"""The supervision app's choice lists (display names through gettext, Chinese in the catalogue)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OwnerType(models.TextChoices):
    DEPARTMENT = "department", _("Line department")
    TOWN = "town", _("Town or street")
    WORK_TEAM = "work_team", _("Resident work team")
    CADRE = "cadre", _("Assisting cadre")
    VILLAGE = "village", _("Village or community")


class Pillar(models.TextChoices):
    """两不愁三保障 and the water and income checks the responsibility list is built around."""

    FOOD_CLOTHING = "food_clothing", _("Food and clothing")
    MEDICAL = "medical", _("Basic medical care")
    EDUCATION = "education", _("Compulsory education")
    HOUSING = "housing", _("Safe housing")
    WATER = "water", _("Safe drinking water")
    INCOME = "income", _("Income and employment")
    ORGANISATION = "organisation", _("Organisation and work")


class ItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("Awaiting rectification")
    RECTIFIED = "rectified", _("Rectified, awaiting verification")
    VERIFIED = "verified", _("Verified and closed")


class MemberRole(models.TextChoices):
    FIRST_SECRETARY = "first_secretary", _("First secretary")
    MEMBER = "member", _("Team member")


class CadreLevel(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal")
    DISTRICT = "district", _("District")
    TOWN = "town", _("Town")


class Level(models.TextChoices):
    DISTRICT = "district", _("District")
    TOWN = "town", _("Town")
    VILLAGE = "village", _("Village")


class ProjectKind(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    PLAN = "plan", _("Target")


class Category(models.TextChoices):
    ROADS = "roads", _("Roads")
    WATER = "water", _("Water")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    ELDERLY = "elderly", _("Elderly care")
    SANITATION = "sanitation", _("Sanitation")
    LIVABILITY = "livability", _("Livable villages")


class Stage(models.TextChoices):
    VERIFY = "verify", _("Lead verified")
    IDENTIFY = "identify", _("Identification decided")
    MEASURE = "measure", _("First measure started")
