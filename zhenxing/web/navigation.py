"""The menu each role sees. One list, so the menu and the role guards cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from zhenxing.core.roles import Role


@dataclass(frozen=True)
class MenuItem:
    label: StrOrPromise
    url_name: str
    icon: str
    roles: frozenset[str]


REGISTRY_ROLES = frozenset(
    {Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER, Role.CADRE, Role.SUPERVISOR}
)

MENU: list[MenuItem] = [
    MenuItem(_("Home"), "web:home", "house", frozenset(Role.values)),
    MenuItem(_("Households"), "households:list", "house-door", REGISTRY_ROLES),
    MenuItem(
        _("Roster import"),
        "households_import:home",
        "file-earmark-arrow-up",
        frozenset({Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER}),
    ),
    MenuItem(
        _("Screening"),
        "screening:runs",
        "clipboard2-pulse",
        frozenset({Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER, Role.SUPERVISOR}),
    ),
    MenuItem(
        _("Monitoring"),
        "monitoring:tasks",
        "shield-check",
        frozenset({Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER, Role.CADRE}),
    ),
    MenuItem(
        _("Notices"),
        "monitoring:notices",
        "megaphone",
        frozenset({Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER, Role.SUPERVISOR}),
    ),
    MenuItem(
        _("Monitoring indicators"),
        "monitoring:indicators",
        "bar-chart",
        frozenset({Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER, Role.SUPERVISOR}),
    ),
    MenuItem(_("Supervision"), "supervision:home", "flag", REGISTRY_ROLES),
    MenuItem(
        _("Assistance"),
        "assistance:home",
        "hand-thumbs-up",
        frozenset(
            {
                Role.DISTRICT_STAFF,
                Role.TOWN_STAFF,
                Role.VILLAGE_OFFICER,
                Role.CADRE,
                Role.SUPERVISOR,
            }
        ),
    ),
    MenuItem(
        _("Benefit chain"),
        "industry:home",
        "basket",
        frozenset({Role.DISTRICT_STAFF, Role.COOP_CLERK, Role.ENTERPRISE_CLERK}),
    ),
    MenuItem(
        _("Clerk bindings"), "industry:clerks", "person-badge", frozenset({Role.SECURITY_ADMIN})
    ),
    MenuItem(_("Regions"), "web:regions", "diagram-3", REGISTRY_ROLES | {Role.SYSTEM_ADMIN}),
    MenuItem(
        _("Accounts"), "web:accounts", "people", frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN})
    ),
    MenuItem(_("Audit trail"), "web:audit", "journal-check", frozenset({Role.AUDIT_ADMIN})),
]


def menu_for(role: str) -> list[MenuItem]:
    return [item for item in MENU if role in item.roles]
