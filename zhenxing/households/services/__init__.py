"""Writes to the registry: one function per use case, atomic, audited, history kept.

Holds:
- `HouseholdDraft`, `MemberDraft`: validated values of a new household (from a form or a file).
- `households_create`: registers many new households in one transaction with bulk inserts and
  their first history versions (the roster import and the single-household form both use it).
- `household_update`, `member_update`, `facts_update`: edits through the roster's parsers.
- `income_line_record`: one income line, idempotent on its source (the benefit chain's link).
- `income_lines_record`: many income lines in one bulk insert, idempotent on their sources.
- `personal_value_reveal`: the unmasked value of a personal field, for a reason, audited.
- `monitoring_type_set`: the household's monitored type, set or cleared by a monitoring case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from zhenxing.accounts.access import require_allowed
from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.core.bulk import bulk_insert_with_history
from zhenxing.core.crypto import blind_index, decrypt, encrypt
from zhenxing.core.errors import DomainError, ErrorCode
from zhenxing.core.pinyin import name_initials, name_pinyin
from zhenxing.core.timeutil import business_today
from zhenxing.households import policies
from zhenxing.households.choices import IncomeKind, SpendingKind
from zhenxing.households.models import (
    BANK_CONTEXT,
    ID_CONTEXT,
    PHONE_CONTEXT,
    Household,
    HouseholdFacts,
    IncomeLine,
    Member,
    SpendingLine,
)
from zhenxing.households.validation import (
    BY_KEY,
    FACT_DEFAULTS,
    MEMBER_DEFAULTS,
    REQUIRED_FACTS,
    RosterErrorCode,
    member_rules,
    parse_cell,
)


class RegistryErrorCode(ErrorCode):
    REASON_REQUIRED = (
        "registry.reason_required",
        "查看完整信息须填写事由",
        "A reason is required to see the full value",
    )
    NOT_PERSONAL = (
        "registry.not_personal",
        "“{name}”不是个人信息字段",
        "'{name}' is not a personal-data field",
    )


class DomainErrors(Exception):
    """Several field errors at once, for a form to show beside each field."""

    def __init__(self, errors: list[DomainError]) -> None:
        self.errors = errors
        super().__init__("; ".join(e.message for e in errors))


def sealed(value: str | None, context: str) -> tuple[str, str]:
    """(ciphertext, blind index) of a normalised personal value; blanks stay blank."""
    if not value:
        return "", ""
    return encrypt(value, context=context), blind_index(value, context=context)


def member_name_fields(name: str) -> dict[str, str]:
    return {"name": name, "name_pinyin": name_pinyin(name), "name_initials": name_initials(name)}


# ---------------------------------------------------------------- registration


@dataclass
class MemberDraft:
    name: str
    id_number: str
    sex: str
    birth_date: date
    relation: str
    values: dict[str, Any] = field(default_factory=dict)  # the other member columns


@dataclass
class HouseholdDraft:
    household_no: str
    group_code: str
    category: str
    exit_year: int | None
    address: str
    phone: str | None
    bank_account: str | None
    members: list[MemberDraft]
    facts: dict[str, Any]
    income_year: int | None = None
    incomes: dict[str, Decimal] = field(default_factory=dict)  # income_wage, cost_business …


_INCOME_COLUMNS = (
    ("income_wage", IncomeKind.WAGE, None),
    ("income_business", IncomeKind.BUSINESS, "cost_business"),
    ("income_property", IncomeKind.PROPERTY, None),
    ("income_transfer", IncomeKind.TRANSFER, None),
)
_SPENDING_COLUMNS = (
    ("spending_medical", SpendingKind.MEDICAL),
    ("spending_education", SpendingKind.EDUCATION),
)
_MEMBER_FIELDS = (*MEMBER_DEFAULTS, "health", "labour", "medical_insurance")


def _household_objects(draft: HouseholdDraft) -> Household:
    phone_cipher, phone_index = sealed(draft.phone, PHONE_CONTEXT)
    bank_cipher, bank_index = sealed(draft.bank_account, BANK_CONTEXT)
    head = next(m for m in draft.members if m.relation == "head")
    return Household(
        household_no=draft.household_no,
        group_code=draft.group_code,
        county_code=draft.group_code[:6],
        town_code=draft.group_code[:9],
        village_code=draft.group_code[:12],
        category=draft.category,
        exit_year=draft.exit_year,
        address=draft.address,
        head_name=head.name,
        phone_cipher=phone_cipher,
        phone_index=phone_index,
        bank_cipher=bank_cipher,
        bank_index=bank_index,
        member_count=len(draft.members),
    )


def households_create(
    *, actor: User | None, drafts: Sequence[HouseholdDraft], source: str
) -> list[Household]:
    """Register new households in one transaction; all or nothing.

    Inserts are set-based (bulk, with their first history version), so a roster of 100,000
    people costs a few statements per table rather than a statement per row.
    """
    require_allowed(policies.can_edit_registry(actor), actor, "households_create")
    if not drafts:
        return []
    with transaction.atomic():
        households = bulk_insert_with_history(
            [_household_objects(d) for d in drafts], Household, change_reason=source
        )
        members: list[Member] = []
        facts: list[HouseholdFacts] = []
        incomes: list[IncomeLine] = []
        spendings: list[SpendingLine] = []
        for household, draft in zip(households, drafts, strict=True):
            codes = {
                "county_code": household.county_code,
                "town_code": household.town_code,
                "village_code": household.village_code,
            }
            for m in draft.members:
                id_cipher, id_index = sealed(m.id_number, ID_CONTEXT)
                extra = {k: m.values.get(k) for k in _MEMBER_FIELDS}
                extra = {k: (MEMBER_DEFAULTS.get(k) if v is None else v) for k, v in extra.items()}
                members.append(
                    Member(
                        household=household,
                        sex=m.sex,
                        birth_date=m.birth_date,
                        relation=m.relation,
                        id_cipher=id_cipher,
                        id_index=id_index,
                        **member_name_fields(m.name),
                        **codes,
                        **extra,
                    )
                )
            fact_values = {k: draft.facts.get(k) for k in (*FACT_DEFAULTS, *REQUIRED_FACTS)}
            fact_values = {
                k: (FACT_DEFAULTS.get(k) if v is None else v) for k, v in fact_values.items()
            }
            facts.append(HouseholdFacts(household=household, **fact_values))
            if draft.income_year is not None:
                for column, kind, cost_column in _INCOME_COLUMNS:
                    amount = draft.incomes.get(column)
                    cost = draft.incomes.get(cost_column) if cost_column else None
                    if amount is None and cost is None:
                        continue
                    incomes.append(
                        IncomeLine(
                            household=household,
                            year=draft.income_year,
                            kind=kind,
                            amount=amount or Decimal("0"),
                            cost=cost or Decimal("0"),
                            source=source,
                        )
                    )
                for column, spending_kind in _SPENDING_COLUMNS:
                    if draft.incomes.get(column) is not None:
                        spendings.append(
                            SpendingLine(
                                household=household,
                                year=draft.income_year,
                                kind=spending_kind,
                                amount=draft.incomes[column],
                                source=source,
                            )
                        )
        for model, rows in (
            (Member, members), (HouseholdFacts, facts), (IncomeLine, incomes),
            (SpendingLine, spendings),
        ):  # fmt: skip
            bulk_insert_with_history(rows, model, change_reason=source)
        record(
            AuditEventType.IMPORT if len(drafts) > 1 else AuditEventType.REGISTRY_CREATE,
            actor=actor,
            username="命令行 CLI",
            object_type="households.household",
            object_id=str(households[0].pk) if len(households) == 1 else "",
            detail={"households": len(households), "members": len(members), "source": source},
        )
    return households


# ---------------------------------------------------------------- edits


def _parse_changes(
    changes: dict[str, str], allowed: Sequence[str]
) -> tuple[dict[str, Any], list[DomainError]]:
    values: dict[str, Any] = {}
    errors: list[DomainError] = []
    for key, raw in changes.items():
        if key not in allowed:
            continue
        try:
            values[key] = parse_cell(BY_KEY[key], raw)
        except DomainError as exc:
            errors.append(exc)
    return values, errors


def _edit_audit(actor: User | None, obj: Any, fields: Sequence[str]) -> None:
    """One REGISTRY_EDIT row per edit that changed anything (C1), naming the changed fields
    and never their values: a new phone or bank account must not travel into the trail."""
    if not fields:
        return
    record(
        AuditEventType.REGISTRY_EDIT,
        actor=actor,
        obj=obj,
        username="命令行 CLI",
        detail={"fields": sorted(fields)},
    )


HOUSEHOLD_EDITABLE = ("category", "exit_year", "address", "phone", "bank_account")
MEMBER_EDITABLE = ("name", "relation", *_MEMBER_FIELDS)
FACTS_EDITABLE = (*REQUIRED_FACTS, *FACT_DEFAULTS)


def household_update(
    *, actor: User | None, household: Household, changes: dict[str, str]
) -> Household:
    """Edit household fields. A blank phone or bank account in `changes` clears it."""
    require_allowed(policies.can_edit_registry(actor), actor, "household_update")
    values, errors = _parse_changes(changes, HOUSEHOLD_EDITABLE)
    category = values.get("category") or household.category
    exit_year = values.get("exit_year") if "exit_year" in changes else household.exit_year
    errors += member_rules({"category": category, "exit_year": exit_year}, business_today())
    if errors:
        raise DomainErrors(errors)
    # personal values are compared by their blind index (a new ciphertext every time)
    watched = {"category": "category", "exit_year": "exit_year", "address": "address",
               "phone": "phone_index", "bank_account": "bank_index"}  # fmt: skip
    before = {name: getattr(household, column) for name, column in watched.items()}
    with transaction.atomic():
        household.category, household.exit_year = category, exit_year
        if "address" in values:
            household.address = values["address"] or ""
        if "phone" in values:
            household.phone_cipher, household.phone_index = sealed(values["phone"], PHONE_CONTEXT)
        if "bank_account" in values:
            household.bank_cipher, household.bank_index = sealed(
                values["bank_account"], BANK_CONTEXT
            )
        household.save()
        changed = [n for n, column in watched.items() if getattr(household, column) != before[n]]
        _edit_audit(actor, household, changed)
    return household


def member_update(*, actor: User | None, member: Member, changes: dict[str, str]) -> Member:
    require_allowed(policies.can_edit_registry(actor), actor, "member_update")
    values, errors = _parse_changes(changes, MEMBER_EDITABLE)
    for key in ("name", "relation", "health", "labour", "medical_insurance"):
        if key in changes and values.get(key) is None:
            errors.append(DomainError(RosterErrorCode.REQUIRED, field=key))
    merged = {k: getattr(member, k) for k in MEMBER_EDITABLE}
    merged |= {k: (MEMBER_DEFAULTS.get(k) if v is None else v) for k, v in values.items()}
    merged["birth_date"] = member.birth_date
    errors += member_rules(merged, business_today())
    if errors:
        raise DomainErrors(errors)
    changed = [key for key in values if getattr(member, key) != merged[key]]
    with transaction.atomic():
        for key in values:
            setattr(member, key, merged[key])
        if "name" in values:
            for key, value in member_name_fields(merged["name"]).items():
                setattr(member, key, value)
            if member.relation == "head":
                household = member.household
                household.head_name = merged["name"]
                household.save(update_fields=["head_name", "updated_at"])
        member.save()
        _edit_audit(actor, member, changed)
    return member


def facts_update(
    *, actor: User | None, household: Household, changes: dict[str, str]
) -> HouseholdFacts:
    require_allowed(policies.can_edit_registry(actor), actor, "facts_update")
    values, errors = _parse_changes(changes, FACTS_EDITABLE)
    facts = HouseholdFacts.objects.filter(household=household).first()
    for key in REQUIRED_FACTS:
        current = getattr(facts, key, None) if facts is not None else None
        if values.get(key, current) is None:
            errors.append(DomainError(RosterErrorCode.REQUIRED, field=key))
    if errors:
        raise DomainErrors(errors)
    with transaction.atomic():
        created = facts is None
        if facts is None:
            facts = HouseholdFacts(household=household, **FACT_DEFAULTS)
        changed = []
        for key, value in values.items():
            new = FACT_DEFAULTS.get(key) if value is None else value
            if created or getattr(facts, key) != new:
                changed.append(key)
            setattr(facts, key, new)
        facts.save()
        _edit_audit(actor, facts, changed)
    return facts


def income_line_record(
    *,
    actor: User | None,
    household: Household,
    year: int,
    kind: str,
    amount: Decimal,
    cost: Decimal = Decimal("0"),
    source: str,
    source_ref: str = "",
) -> IncomeLine:
    """Record one income line. With a `source_ref`, recording it again changes nothing."""
    if amount < 0 or cost < 0:
        raise DomainError(RosterErrorCode.BAD_MONEY, field="amount")
    key = {"source_ref": source_ref, "household": household, "year": year, "kind": kind}
    if source_ref and (existing := IncomeLine.objects.filter(**key).first()) is not None:
        return existing
    try:
        with transaction.atomic():
            return IncomeLine.objects.create(amount=amount, cost=cost, source=source, **key)
    except IntegrityError:
        if not source_ref:
            raise
        # A concurrent recorder of the same source won; its line is the one.
        return IncomeLine.objects.get(**key)


@dataclass(frozen=True)
class IncomeLineDraft:
    """One income line for `income_lines_record`; `source_ref` names the record behind it."""

    household_id: int
    year: int
    kind: str
    amount: Decimal
    source: str
    source_ref: str
    cost: Decimal = Decimal("0")


INCOME_KEY_CHUNK = 900  # source refs per lookup (SQLite allows 999 parameters per query)


def income_lines_record(
    *, actor: User | None, lines: Sequence[IncomeLineDraft], change_reason: str
) -> list[IncomeLine]:
    """Record many income lines at once (another app's settlement or dividend), set-based, with
    their first history versions. Idempotent on (source_ref, household, year, kind): a line
    already recorded, or repeated within `lines`, is left out, so recording the same lines
    again adds nothing. Every line is checked before any is written. Returns the new lines."""
    for row, line in enumerate(lines, start=1):
        if not line.source_ref:
            raise ValueError(f"income line {row} has no source_ref")
        if line.amount < 0 or line.cost < 0:
            raise DomainError(RosterErrorCode.BAD_MONEY, field="amount", row=row)
    with transaction.atomic():
        done: set[tuple[str, int, int, str]] = set()
        groups: dict[tuple[int, str], set[str]] = {}
        for line in lines:
            groups.setdefault((line.year, line.kind), set()).add(line.source_ref)
        for (year, kind), refs in groups.items():
            ordered = sorted(refs)
            for start in range(0, len(ordered), INCOME_KEY_CHUNK):
                chunk = ordered[start : start + INCOME_KEY_CHUNK]
                done.update(
                    (ref, household_id, year, kind)
                    for ref, household_id in IncomeLine.objects.filter(
                        year=year, kind=kind, source_ref__in=chunk
                    ).values_list("source_ref", "household_id")
                )
        new: list[IncomeLine] = []
        for line in lines:
            key = (line.source_ref, line.household_id, line.year, line.kind)
            if key in done:
                continue
            done.add(key)
            new.append(
                IncomeLine(
                    household_id=line.household_id,
                    year=line.year,
                    kind=line.kind,
                    amount=line.amount,
                    cost=line.cost,
                    source=line.source,
                    source_ref=line.source_ref,
                )
            )
        return bulk_insert_with_history(new, IncomeLine, change_reason=change_reason)


# ---------------------------------------------------------------- personal data

PERSONAL_FIELDS = {
    "id_number": ("id_cipher", ID_CONTEXT),
    "phone": ("phone_cipher", PHONE_CONTEXT),
    "bank_account": ("bank_cipher", BANK_CONTEXT),
}


def personal_value_reveal(*, actor: User, obj: Household | Member, name: str, reason: str) -> str:
    """The full value of a personal field, for a stated reason; the view is audited (D2)."""
    if name not in PERSONAL_FIELDS:
        raise DomainError(RegistryErrorCode.NOT_PERSONAL, field=name, name=name)
    require_allowed(policies.can_unmask(actor), actor, "personal_value_reveal")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError(RegistryErrorCode.REASON_REQUIRED, field="reason")
    column, context = PERSONAL_FIELDS[name]
    token = getattr(obj, column, "")
    with transaction.atomic():
        record(
            AuditEventType.UNMASK,
            actor=actor,
            obj=obj,
            detail={"field": name, "reason": reason[:200]},
        )
    return decrypt(token, context=context) if token else ""


# ---------------------------------------------------------------- monitored type


def monitoring_type_set(
    *, actor: User | None, household: Household, monitoring_type: str, reason: str
) -> Household:
    """Set (or, with "", clear) `Household.monitoring_type`: the only writer of that field.

    Called inside a monitoring case's step (inclusion, or the county's approval of risk
    elimination), whose transition table already decided who may take it; this records the
    history version with the actor and reason, and one audit event naming the changed field.
    """
    from zhenxing.households.choices import MonitoringType

    if monitoring_type and monitoring_type not in MonitoringType.values:
        raise ValueError(f"unknown monitoring type {monitoring_type!r}")
    if not reason.strip():
        raise ValueError("a reason is required")
    with transaction.atomic():
        household.monitoring_type = monitoring_type
        household._history_user = actor  # type: ignore[attr-defined]
        household._change_reason = reason.strip()[:100]  # type: ignore[attr-defined]
        household.save(update_fields=["monitoring_type", "updated_at"])
        record(
            AuditEventType.REGISTRY_EDIT,
            actor=actor,
            obj=household,
            detail={"fields": ["monitoring_type"], "reason": reason.strip()[:100]},
        )
    return household


# Cadre pairing lives in its own module; its names are part of this package's interface.
from zhenxing.households.services.pairing import (  # noqa: E402 — after the names it builds on
    PairingErrorCode as PairingErrorCode,
)
from zhenxing.households.services.pairing import pairing_change as pairing_change  # noqa: E402
from zhenxing.households.services.pairing import pairing_end as pairing_end  # noqa: E402
from zhenxing.households.services.pairing import pairing_start as pairing_start  # noqa: E402
