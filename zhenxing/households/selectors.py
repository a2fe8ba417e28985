"""Every read of the registry, always through `households_visible` / `members_visible`.

Search understands what was typed: an ID number (exact, through the blind index), a household
number, pinyin initials or full pinyin, or the beginning of a member's name.

Holds:
- `filter_by_household_scope`: the one household scope rule, used by every app (B1);
  `households_visible`, `members_visible`: its entry points for the registry.
- `household_list`: the one search of the registry (query, town, village, category).
- `household_get`, `member_get`: one object in scope, or `NotInScope` (→ 404, audited).
- `household_members`, `household_pairing`: parts of the detail page.
- `town_options`, `village_options`, `group_options`, `village_names`: options and names.
- `household_history`: field-level record versions of a household and its parts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from django.db.models import Case, Field, Model, Q, QuerySet, Value, When

from zhenxing.core.crypto import blind_index
from zhenxing.core.errors import DomainError
from zhenxing.core.idnumbers import convert_15_to_18, normalise_id
from zhenxing.core.scope import ScopeKind, get_in_scope, scope_of
from zhenxing.households.models import (
    ID_CONTEXT,
    CadrePairing,
    Household,
    HouseholdFacts,
    IncomeLine,
    Member,
    SpendingLine,
)
from zhenxing.households.validation import BY_KEY
from zhenxing.regions.models import Division
from zhenxing.regions.selectors import divisions_visible

# Above any character in the Basic Multilingual Plane: "name >= q and name < q + HIGH" is a
# prefix match that uses the index on both SQLite and PostgreSQL (LIKE with ESCAPE may not).
HIGH = "\U0010ffff"
_ID_LIKE = re.compile(r"[0-9]{17}[0-9X]|[0-9]{15}")
_HOUSEHOLD_NO = re.compile(r"[0-9A-Za-z-]*[0-9][0-9A-Za-z-]*")
_LATIN = re.compile(r"[a-z]+")

M = TypeVar("M", bound=Model)


def paired_household_ids(cadre_id: int | None) -> QuerySet[CadrePairing, Any]:
    """The households a cadre is responsible for today, as a subquery of household ids."""
    return CadrePairing.objects.filter(cadre_id=cadre_id, until__isnull=True).values("household_id")


def filter_by_household_scope(
    queryset: QuerySet[M], actor: Any, *, household_field: str = "household_id"
) -> QuerySet[M]:
    """The one household scope rule (security.md B1), for any table of household rows.

    The rows must carry the denormalised region codes; `household_field` names the column that
    points at the household (`"pk"` for households themselves). District, town and village staff
    see their region; a cadre sees exactly the households paired with it, wherever they are;
    everyone else sees none. Every app's household-scoped selector goes through here.
    """
    scope = scope_of(actor)
    if scope.kind == ScopeKind.REGION:
        return queryset.filter(scope.region_q())
    if scope.kind == ScopeKind.PAIRED:
        return queryset.filter(**{f"{household_field}__in": paired_household_ids(scope.user_id)})
    return queryset.none()


def households_visible(actor: Any) -> QuerySet[Household]:
    """The scope entry point for households (security.md B1)."""
    return filter_by_household_scope(Household.objects.all(), actor, household_field="pk")


def members_visible(actor: Any) -> QuerySet[Member]:
    return filter_by_household_scope(Member.objects.all(), actor)


def _prefix(column: str, text: str) -> Q:
    return Q(**{f"{column}__gte": text, f"{column}__lt": text + HIGH})


def _searchable_members(actor: Any) -> QuerySet[Member]:
    """`members_visible`, plus the county of a regional scope: redundant for the result, but it
    lets a town's or a village's search use the county-led covering indexes of `Member`."""
    members = members_visible(actor)
    scope = scope_of(actor)
    if scope.kind == ScopeKind.REGION and scope.county_code:
        members = members.filter(county_code=scope.county_code)
    return members


def _id_number_key(text: str) -> str:
    """The blind-index input of an ID number as typed; a legacy 15-digit number is converted."""
    if len(text) == 15:
        try:
            return convert_15_to_18(text)
        except DomainError:
            return text
    return text


def _search(actor: Any, query: str) -> Q:
    """The condition on households for what was typed (see the module docstring)."""
    folded = unicodedata.normalize("NFKC", query).strip()
    as_id = normalise_id(folded)
    if _ID_LIKE.fullmatch(as_id):
        # Exact, through the blind index: a wrong check digit finds nobody. Digits only are
        # also the beginning of a household number (19 digits in the demo), so both are read.
        index = blind_index(_id_number_key(as_id), context=ID_CONTEXT)
        found = list(
            _searchable_members(actor).filter(id_index=index).values_list("household_id", flat=True)
        )
        return Q(pk__in=found) | _prefix("household_no", as_id)
    if _HOUSEHOLD_NO.fullmatch(folded):
        return _prefix("household_no", folded.upper())
    members = _searchable_members(actor)
    latin = folded.replace(" ", "").casefold()
    if _LATIN.fullmatch(latin):
        # Initials ("dmf") or the beginning of the full pinyin ("dengm"). One letter is both the
        # first initial and the first letter of the pinyin, so one index is enough for it.
        condition = _prefix("name_initials", latin)
        if len(latin) > 1:
            condition |= _prefix("name_pinyin", latin)
        members = members.filter(condition)
    else:
        members = members.filter(_prefix("name", folded))
    return Q(pk__in=members.values("household_id"))


def household_list(
    actor: Any,
    *,
    query: str = "",
    town_code: str = "",
    village_code: str = "",
    category: str = "",
) -> QuerySet[Household]:
    """The registry search: households in the actor's scope matching the query and filters,
    in household-number order (stable pages)."""
    households = households_visible(actor)
    if town_code:
        households = households.filter(town_code=town_code)
    if village_code:
        households = households.filter(village_code=village_code)
    if category:
        households = households.filter(category=category)
    if query.strip():
        households = households.filter(_search(actor, query))
    return households.order_by("household_no")


def household_get(actor: Any, pk: int) -> Household:
    return get_in_scope(households_visible(actor), object_type="household", pk=pk)


def member_get(actor: Any, pk: int) -> Member:
    return get_in_scope(members_visible(actor), object_type="member", pk=pk)


def household_members(household: Household) -> QuerySet[Member]:
    """The head first, then the others in the order they were registered."""
    head_first = Case(When(relation="head", then=Value(0)), default=Value(1))
    return household.members.order_by(head_first, "id")


def household_pairing(household: Household) -> CadrePairing | None:
    """The household's current cadre pairing, with the cadre, in one query."""
    return (
        CadrePairing.objects.filter(household=household, until__isnull=True)
        .select_related("cadre")
        .first()
    )


# ---------------------------------------------------------------- filter options and names


def town_options(actor: Any) -> QuerySet[Division]:
    """Towns the actor may filter by: the current towns inside its scope."""
    return divisions_visible(actor).filter(level="town").order_by("code")


def village_options(actor: Any, town_code: str = "") -> QuerySet[Division]:
    """Villages (and communities) inside the actor's scope, optionally of one town."""
    villages = divisions_visible(actor).filter(level="village")
    if town_code:
        villages = villages.filter(town_code=town_code)
    return villages.order_by("code")


def group_options(actor: Any) -> list[Division]:
    """Village groups inside the actor's scope, each named "village group" for a select."""
    visible = divisions_visible(actor)
    groups = list(visible.filter(level="group").order_by("code"))
    villages = dict(
        visible.filter(level="village", code__in={g.code[:12] for g in groups}).values_list(
            "code", "name"
        )
    )
    for group in groups:
        group.name = f"{villages.get(group.code[:12], '')} {group.name}".strip()
    return groups


def village_names(codes: Iterable[str]) -> dict[str, str]:
    """Names of current villages by code, in one query, for a page of households.

    Division names are not personal data; the codes come from households already in scope.
    """
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    rows = Division.objects.filter(code__in=wanted, valid_to__isnull=True).values_list(
        "code", "name"
    )
    return dict(rows)


# ---------------------------------------------------------------- change history

# Search helpers follow the name; showing them as changes would only repeat it.
_HISTORY_SKIPPED = frozenset({"name_pinyin", "name_initials", "created_at", "updated_at"})
# Ciphertext and blind index are one personal field: say that it changed, never the values.
_PERSONAL_COLUMNS = {
    "phone_cipher": "phone",
    "bank_cipher": "bank_account",
    "id_cipher": "id_number",
}
_PERSONAL_INDEXES = frozenset({"phone_index", "bank_index", "id_index"})
_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str
    hidden: bool = False  # personal data: that it changed is shown, the values never


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    user: str
    part: str  # which record: the household, a member (by name), the facts, an income line
    part_kind: str  # household | member | facts | income | spending
    action: str  # created | changed | deleted
    reason: str
    changes: tuple[FieldChange, ...]


def field_display(field: Field[Any, Any], value: Any) -> str:
    """A stored value as a page shows it: choice labels, 是/否, ISO dates, — for blanks."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是 Yes" if value else "否 No"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _field_changes(new: Any, old: Any) -> tuple[FieldChange, ...]:
    delta = new.diff_against(old, excluded_fields=_HISTORY_SKIPPED | _PERSONAL_INDEXES)
    changes: list[FieldChange] = []
    for change in delta.changes:
        if change.field in _PERSONAL_COLUMNS:
            column = BY_KEY[_PERSONAL_COLUMNS[change.field]]
            label = f"{column.zh} {column.en}"
            changes.append(FieldChange(change.field, label, "", "", hidden=True))
            continue
        field = new.instance_type._meta.get_field(change.field)
        changes.append(
            FieldChange(
                change.field,
                str(field.verbose_name),
                field_display(field, change.old),
                field_display(field, change.new),
            )
        )
    return tuple(changes)


def _part_label(kind: str, record: Any) -> str:
    if kind == "member":
        return f"成员 Member {record.name}"
    if kind in ("income", "spending"):
        field = record.instance_type._meta.get_field("kind")
        return f"{record.year} {field_display(field, record.kind)}"
    return {"household": "农户 Household", "facts": "两不愁三保障 Basic needs"}[kind]


def _user_label(record: Any) -> str:
    user = record.history_user
    if user is None:
        return "系统 System"
    return str(user.full_name or user.username)


def facts_display(facts: HouseholdFacts | None) -> list[tuple[str, str]]:
    """(label, shown value) of every fact, in model order; empty when none are recorded."""
    if facts is None:
        return []
    skipped = {"id", "household"}
    return [
        (str(f.verbose_name), field_display(f, getattr(facts, f.attname)))
        for f in HouseholdFacts._meta.concrete_fields
        if f.name not in skipped
    ]


def household_history(household: Household, *, limit: int = 200) -> list[HistoryEntry]:
    """Every recorded version of the household, its members, facts, incomes and spending,
    newest first, each with its field-level changes against the version before it.

    One query per record family, whatever the number of versions.
    """
    families: list[tuple[str, QuerySet[Any]]] = [
        ("household", Household.history.filter(id=household.pk)),
        ("member", Member.history.filter(household_id=household.pk)),
        ("facts", HouseholdFacts.history.filter(household_id=household.pk)),
        ("income", IncomeLine.history.filter(household_id=household.pk)),
        ("spending", SpendingLine.history.filter(household_id=household.pk)),
    ]
    entries: list[tuple[tuple[datetime, str, int], HistoryEntry]] = []
    for kind, versions in families:
        previous: dict[int, Model] = {}
        for record in versions.select_related("history_user").order_by("history_id"):
            old = previous.get(record.id)
            changes = _field_changes(record, old) if old is not None else ()
            previous[record.id] = record
            entry = HistoryEntry(
                at=record.history_date,
                user=_user_label(record),
                part=_part_label(kind, record),
                part_kind=kind,
                action=_ACTIONS.get(record.history_type, record.history_type),
                reason=record.history_change_reason or "",
                changes=changes,
            )
            entries.append(((record.history_date, kind, record.history_id), entry))
    entries.sort(key=lambda item: item[0], reverse=True)
    return [entry for _key, entry in entries[:limit]]
