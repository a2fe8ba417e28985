"""What every benefit-chain page shares: the role groups and how a refusal is shown."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.industry import forms

READERS = (Role.DISTRICT_STAFF, Role.COOP_CLERK, Role.ENTERPRISE_CLERK)
DISTRICT = (Role.DISTRICT_STAFF,)
COOP = (Role.COOP_CLERK,)


def fail(request: HttpRequest, exc: Exception) -> None:
    messages.error(request, exc.message if isinstance(exc, DomainError) else str(exc))


def form_error(request: HttpRequest, form: Any) -> None:
    messages.error(request, _("Please check the form.") + " " + forms.first_error(form))
