"""Writes to the division tree, all audited.

Holds `division_create`, `division_rename`, `division_merge`, `regions_load_roster`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError
from zhenxing.regions.domain import (
    LENGTH_BY_LEVEL,
    PARENT_LEVEL,
    ParsedCode,
    RegionErrorCode,
    parse_division_code,
)
from zhenxing.regions.models import Division, DivisionChange

CLI_OPERATOR = "命令行 CLI"


def _kind(parsed: ParsedCode) -> str:
    if parsed.village_kind is not None and parsed.level == "village":
        return parsed.village_kind.value
    if parsed.town_kind is not None and parsed.level == "town":
        return parsed.town_kind.value
    return parsed.level.value


def _new_division(
    parsed: ParsedCode, name: str, parent: Division | None, valid_from: date, illustrative: bool
) -> Division:
    return Division(
        code=parsed.code,
        name=name,
        level=parsed.level.value,
        kind=_kind(parsed),
        parent=parent,
        county_code=parsed.county_code,
        town_code=parsed.town_code,
        village_code=parsed.village_code,
        valid_from=valid_from,
        illustrative=illustrative,
    )


def _check_parent(parsed: ParsedCode, parent: Division | None) -> None:
    expected = PARENT_LEVEL.get(parsed.level)
    if expected is None:
        return
    expected_code = parsed.code[: LENGTH_BY_LEVEL[expected]]
    if parent is None:
        raise DomainError(
            RegionErrorCode.PARENT_MISSING, field="parent", code=parsed.code, parent=expected_code
        )
    if parent.level != expected or parent.code != expected_code:
        raise DomainError(
            RegionErrorCode.WRONG_PARENT,
            field="parent",
            code=parsed.code,
            expected=expected.label_zh,
            expected_en=expected.value,
            expected_code=expected_code,
            parent=parent.code,
        )


def division_create(
    *,
    actor: AbstractBaseUser | None,
    code: str,
    name: str,
    parent_code: str | None = None,
    valid_from: date,
    illustrative: bool = False,
) -> Division:
    parsed = parse_division_code(code)
    name = (name or "").strip()
    if not name:
        raise DomainError(RegionErrorCode.NAME_REQUIRED, field="name")
    with transaction.atomic():
        if Division.objects.filter(code=parsed.code, valid_to__isnull=True).exists():
            raise DomainError(RegionErrorCode.DUPLICATE, field="code", code=parsed.code)
        parent = None
        wanted_parent = parent_code or parsed.parent_code
        if wanted_parent:
            parent = Division.objects.filter(
                code=parse_division_code(wanted_parent).code, valid_to__isnull=True
            ).first()
            if parent is None:
                raise DomainError(
                    RegionErrorCode.PARENT_MISSING,
                    field="parent",
                    code=parsed.code,
                    parent=wanted_parent,
                )
        _check_parent(parsed, parent)
        division = _new_division(parsed, name, parent, valid_from, illustrative)
        division.save()
        DivisionChange.objects.create(
            division=division,
            kind="create",
            new_code=division.code,
            new_name=name,
            effective_date=valid_from,
            recorded_by=actor.get_username() if actor else CLI_OPERATOR,
        )
        record(
            AuditEventType.REGION_CHANGE,
            actor=actor,
            obj=division,
            username=CLI_OPERATOR,
            detail={"kind": "create", "code": division.code},
        )
    return division


def division_rename(
    *,
    actor: AbstractBaseUser | None,
    division: Division,
    new_name: str,
    effective_date: date,
    note: str = "",
) -> Division:
    new_name = (new_name or "").strip()
    if not new_name:
        raise DomainError(RegionErrorCode.NAME_REQUIRED, field="name")
    with transaction.atomic():
        old_name = division.name
        division.name = new_name
        division.save(update_fields=["name"])
        DivisionChange.objects.create(
            division=division,
            kind="rename",
            old_code=division.code,
            new_code=division.code,
            old_name=old_name,
            new_name=new_name,
            effective_date=effective_date,
            note=note,
            recorded_by=actor.get_username() if actor else CLI_OPERATOR,
        )
        record(
            AuditEventType.REGION_CHANGE,
            actor=actor,
            obj=division,
            username=CLI_OPERATOR,
            detail={"kind": "rename", "code": division.code},
        )
    return division


def division_merge(
    *,
    actor: AbstractBaseUser | None,
    division: Division,
    into: Division,
    effective_date: date,
    note: str = "",
) -> None:
    """撤并: the division ends the day before `effective_date`; `into` takes over its area.

    Records under the old code keep it (history stays true); moving live records is the
    registry's business and is done there.
    """
    if effective_date <= division.valid_from:
        raise DomainError(
            RegionErrorCode.BAD_DATES,
            field="effective_date",
            effective=effective_date,
            valid_from=division.valid_from,
        )
    if division.valid_to is not None:
        raise DomainError(RegionErrorCode.NOT_CURRENT, field="code", code=division.code)
    if into.pk == division.pk or into.level != division.level or into.valid_to is not None:
        raise DomainError(
            RegionErrorCode.MERGE_TARGET, field="into", code=division.code, into=into.code
        )
    with transaction.atomic():
        division.valid_to = effective_date - timedelta(days=1)
        division.save(update_fields=["valid_to"])
        DivisionChange.objects.create(
            division=division,
            kind="merge",
            old_code=division.code,
            new_code=into.code,
            old_name=division.name,
            new_name=into.name,
            successor=into,
            effective_date=effective_date,
            note=note,
            recorded_by=actor.get_username() if actor else CLI_OPERATOR,
        )
        record(
            AuditEventType.REGION_CHANGE,
            actor=actor,
            obj=division,
            username=CLI_OPERATOR,
            detail={"kind": "merge", "code": division.code, "into": into.code},
        )


@dataclass(frozen=True)
class RosterReport:
    created: int
    unchanged: int
    errors: list[DomainError]
    renamed: int = 0


def regions_load_roster(
    *,
    actor: AbstractBaseUser | None,
    rows: Iterable[tuple[int, str, str]],
    valid_from: date,
    illustrative: bool = False,
    commit: bool = True,
) -> RosterReport:
    """Load an official roster of (row number, code, name). Every row is checked first; any
    error and nothing is written. Rows already present with the same name are left alone, a
    new name for an existing code is recorded as a rename (更名) effective `valid_from`; a
    parent may come from the database or from the same file."""
    errors: list[DomainError] = []
    parsed_rows: list[tuple[ParsedCode, str]] = []
    seen: set[str] = set()
    row_of: dict[str, int] = {}
    existing = {
        d.code: d for d in Division.objects.filter(valid_to__isnull=True).only("code", "name")
    }
    for row_no, code, name in rows:
        try:
            parsed = parse_division_code(code)
        except DomainError as exc:
            exc.row = row_no
            errors.append(exc)
            continue
        name = (name or "").strip()
        if not name:
            errors.append(DomainError(RegionErrorCode.NAME_REQUIRED, field="name", row=row_no))
            continue
        if parsed.code in seen:
            errors.append(
                DomainError(RegionErrorCode.DUPLICATE, field="code", row=row_no, code=parsed.code)
            )
            continue
        seen.add(parsed.code)
        row_of[parsed.code] = row_no
        parsed_rows.append((parsed, name))
    for parsed, _name in parsed_rows:
        parent = parsed.parent_code
        if parent and parent not in seen and parent not in existing:
            errors.append(
                DomainError(
                    RegionErrorCode.PARENT_MISSING,
                    field="code",
                    row=row_of[parsed.code],
                    code=parsed.code,
                    parent=parent,
                )
            )
    if errors:
        return RosterReport(created=0, unchanged=0, errors=errors)
    created = 0
    renames = [(existing[p.code], name) for p, name in parsed_rows
               if p.code in existing and existing[p.code].name != name]  # fmt: skip
    if not commit:
        fresh = sum(1 for p, _ in parsed_rows if p.code not in existing)
        return RosterReport(
            created=fresh,
            unchanged=len(parsed_rows) - fresh - len(renames),
            errors=[],
            renamed=len(renames),
        )
    with transaction.atomic():
        by_code: dict[str, Division] = dict(existing)
        # One bulk insert per level, parents first, so each level can point at the one above.
        for length in (6, 9, 12, 15):
            batch = []
            for parsed, name in parsed_rows:
                if len(parsed.code) != length:
                    continue
                if parsed.code in existing:
                    continue
                above = by_code.get(parsed.parent_code) if parsed.parent_code else None
                batch.append(_new_division(parsed, name, above, valid_from, illustrative))
            for division in Division.objects.bulk_create(batch, batch_size=2000):
                by_code[division.code] = division
            created += len(batch)
        for division, name in renames:
            division_rename(
                actor=actor,
                division=division,
                new_name=name,
                effective_date=valid_from,
                note="名录更新 roster update",
            )
        unchanged = len(parsed_rows) - created - len(renames)
        record(
            AuditEventType.REGION_CHANGE,
            actor=actor,
            username=CLI_OPERATOR,
            object_type="regions.roster",
            detail={"kind": "roster", "created": created, "renamed": len(renames)},
        )
    return RosterReport(created=created, unchanged=unchanged, errors=[], renamed=len(renames))
