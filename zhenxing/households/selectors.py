"""Every read of the registry, always through `households_visible` / `members_visible`.

Search understands what was typed: an ID number (exact, through the blind index), a household
number, pinyin initials or full pinyin, or the beginning of a member's name.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db.models import Case, Q, QuerySet, Value, When

from zhenxing.accounts.scope import ScopeKind, get_in_scope, scope_of
from zhenxing.core.crypto import blind_index
from zhenxing.core.idnumbers import normalise_id
from zhenxing.households.models import ID_CONTEXT, CadrePairing, Household, Member

# Above any character in the Basic Multilingual Plane: "name >= q and name < q + HIGH" is a
# prefix match that uses the index on both SQLite and PostgreSQL (LIKE with ESCAPE may not).
HIGH = "\U0010ffff"
_ID_LIKE = re.compile(r"[0-9]{17}[0-9X]|[0-9]{15}")
_HOUSEHOLD_NO = re.compile(r"[0-9A-Za-z-]*[0-9][0-9A-Za-z-]*")
_LATIN = re.compile(r"[a-z]+")


def households_visible(actor: Any) -> QuerySet[Household]:
    """The scope entry point for households (security.md B1)."""
    scope = scope_of(actor)
    if scope.kind == ScopeKind.REGION:
        return Household.objects.filter(scope.region_q())
    if scope.kind == ScopeKind.PAIRED:
        paired = CadrePairing.objects.filter(cadre_id=scope.user_id, until__isnull=True)
        return Household.objects.filter(pk__in=paired.values("household_id"))
    return Household.objects.none()


def members_visible(actor: Any) -> QuerySet[Member]:
    scope = scope_of(actor)
    if scope.kind == ScopeKind.REGION:
        return Member.objects.filter(scope.region_q())
    if scope.kind == ScopeKind.PAIRED:
        paired = CadrePairing.objects.filter(cadre_id=scope.user_id, until__isnull=True)
        return Member.objects.filter(household_id__in=paired.values("household_id"))
    return Member.objects.none()


def _prefix(column: str, text: str) -> Q:
    return Q(**{f"{column}__gte": text, f"{column}__lt": text + HIGH})


def _member_matches(actor: Any, query: str) -> QuerySet[Member] | None:
    """Members matching the query, or None when the query names a household number."""
    folded = unicodedata.normalize("NFKC", query).strip()
    as_id = normalise_id(folded)
    members = members_visible(actor)
    if _ID_LIKE.fullmatch(as_id):
        return members.filter(id_index=blind_index(as_id, context=ID_CONTEXT))
    if _HOUSEHOLD_NO.fullmatch(folded):
        return None
    latin = folded.replace(" ", "").casefold()
    if _LATIN.fullmatch(latin):
        # Short all-consonant-looking input reads as initials ("dmf"); longer as full pinyin.
        return members.filter(_prefix("name_initials", latin) | _prefix("name_pinyin", latin))
    return members.filter(_prefix("name", folded))


def household_list(
    actor: Any,
    *,
    query: str = "",
    town_code: str = "",
    village_code: str = "",
    category: str = "",
) -> QuerySet[Household]:
    households = households_visible(actor)
    if town_code:
        households = households.filter(town_code=town_code)
    if village_code:
        households = households.filter(village_code=village_code)
    if category:
        households = households.filter(category=category)
    query = query.strip()
    if query:
        members = _member_matches(actor, query)
        if members is None:
            households = households.filter(_prefix("household_no", query.upper()))
        else:
            households = households.filter(pk__in=members.values("household_id"))
    return households.order_by("household_no")


def household_get(actor: Any, pk: int) -> Household:
    return get_in_scope(households_visible(actor), object_type="household", pk=pk)


def member_get(actor: Any, pk: int) -> Member:
    return get_in_scope(members_visible(actor), object_type="member", pk=pk)


def household_members(household: Household) -> QuerySet[Member]:
    """The head first, then the others in the order they were registered."""
    head_first = Case(When(relation="head", then=Value(0)), default=Value(1))
    return household.members.order_by(head_first, "id")
