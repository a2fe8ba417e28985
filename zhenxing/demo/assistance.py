"""Assistance in the demo district: the article's numbers (8,000+ cadres paired with every
exited and monitored household, ≈2.1 each; 123 village information officers with ≤ 200
households each), plans proposed and partly accepted, a year of visits with some overdue,
and a few 六统一 discrepancies. The demo cadre (刘洋) and officer (张敏) of 石牛村 get real work.

Cadre and officer accounts are created without a usable password: they cannot sign in until
credentials are issued; only the demo logins can.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhenxing.accounts.models import User, username_key
from zhenxing.assistance.models import (
    Discrepancy,
    DiscrepancyKind,
    ItemStatus,
    Measure,
    MeasureStatus,
    OfficerAssignment,
    PlanItem,
    PrintStamp,
    Visit,
    VisitSchedule,
)
from zhenxing.assistance.selectors import current_targets
from zhenxing.assistance.services import plans_propose
from zhenxing.core.bulk import bulk_insert_with_history
from zhenxing.core.roles import Role
from zhenxing.demo.households.people import SURNAMES
from zhenxing.households.bulk import cadre_pairings_load
from zhenxing.households.models import CadrePairing, Household
from zhenxing.regions.models import Division

OFFICERS_AT_FULL_SCALE = 123
OFFICER_LIMIT = 200
DEMO_OFFICER = "officer.shiniu"
DEMO_CADRE = "cadre.shiniu"
UNITS = (
    "区农业农村委",
    "区教委",
    "区卫生健康委",
    "区人力社保局",
    "区民政局",
    "区住房城乡建委",
    "区财政局",
    "区水利局",
    "区交通局",
    "区税务局",
    "珍溪镇人民政府",
    "区供销社",
    "区农商行",
    "区林业局",
    "区文化旅游委",
)
GIVEN = "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚 桂 英 华 红 玉 兰 建 国 文"
CHECKS = ["members", "income", "food_clothing", "housing", "water", "schooling", "medical", "work"]
BATCH = 2000


@dataclass
class AssistanceReport:
    cadres: int = 0
    paired_households: int = 0
    officers: int = 0
    assigned_households: int = 0
    max_per_officer: int = 0
    plans: int = 0
    items: int = 0
    accepted: int = 0
    visits: int = 0
    overdue: int = 0
    discrepancies: int = 0

    def lines(self) -> list[str]:
        each = self.paired_households / max(self.cadres, 1)
        return [
            f"  帮扶干部 cadres {self.cadres:,}，结对脱贫户与监测户 paired households"
            f" {self.paired_households:,}（户均 {each:.1f}）",
            f"  村信息员 officers {self.officers:,}，联系 households {self.assigned_households:,}"
            f"（每人最多 max {self.max_per_officer}）",
            f"  帮扶计划 plans {self.plans:,}，事项 items {self.items:,}，已采纳 accepted"
            f" {self.accepted:,}；走访 visits {self.visits:,}，逾期未访 overdue {self.overdue:,}；"
            f"六统一不一致 discrepancies {self.discrepancies}",
        ]


def _name(rng: random.Random) -> str:
    given = GIVEN.split(" ")
    return (
        rng.choice(SURNAMES) + rng.choice(given) + (rng.choice(given) if rng.random() < 0.6 else "")
    )


def _accounts(
    rng: random.Random, role: str, prefix: str, villages: list[str], regions: dict[str, int]
) -> list[User]:
    """Accounts without a usable password (they cannot sign in until issued credentials)."""
    users = []
    for i, village in enumerate(villages):
        username = f"{prefix}.{village}.{i}"
        users.append(
            User(
                username=username,
                username_key=username_key(username),
                full_name=_name(rng),
                role=role,
                region_id=regions[village],
                password=make_password(None),
                is_demo=True,
            )
        )
    User.objects.bulk_create(users, batch_size=BATCH)
    keys = [u.username_key for u in users]
    by_key = {u.username_key: u for u in User.objects.filter(username_key__in=keys)}
    return [by_key[k] for k in keys]


def demo_assistance_load(
    *, county_code: str, seed: int, scale: float, today: date
) -> AssistanceReport:
    rng = random.Random(seed * 7919 + 12)  # noqa: S311 — demo data, not secrets
    report = AssistanceReport()
    with transaction.atomic():
        if not OfficerAssignment.objects.filter(county_code=county_code).exists():
            _pair_and_assign(rng, report, county_code=county_code, scale=scale, today=today)
            plans_propose(
                actor=None,
                county_code=county_code,
                year=today.year,
                today=today - timedelta(days=200),
            )
            _accept(rng, county_code, today)
            _visits(rng, county_code, today)
            _six(rng, county_code, today)
    _count(report, county_code, today)
    return report


def _pair_and_assign(
    rng: random.Random, report: AssistanceReport, *, county_code: str, scale: float, today: date
) -> None:
    classed = list(
        Household.objects.filter(county_code=county_code)
        .filter(Q(category="exited") | ~Q(monitoring_type=""))
        .order_by("village_code", "household_no")
        .values_list("pk", "village_code", "town_code")
    )
    regions = dict(
        Division.objects.filter(
            code__startswith=county_code, level="village", valid_to__isnull=True
        ).values_list("code", "pk")
    )
    paired = set(
        CadrePairing.objects.filter(county_code=county_code, until__isnull=True).values_list(
            "household_id", flat=True
        )
    )
    by_village: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, village, town in classed:
        by_village[village].append((pk, town))
    # Cadres: groups of 1–3 households of one village (≈2.1 each, as the article's 8,000/17,000).
    groups: list[tuple[str, list[tuple[int, str]]]] = []
    for village, rows in by_village.items():
        todo = [r for r in rows if r[0] not in paired]
        while todo:
            size = rng.choice((1, 2, 2, 2, 2, 3, 3))
            groups.append((village, todo[:size]))
            todo = todo[size:]
    cadres = _accounts(rng, Role.CADRE, "cadre", [v for v, _g in groups], regions)
    pairings: list[dict[str, Any]] = []
    for cadre, (village, rows) in zip(cadres, groups, strict=True):
        unit = rng.choice(UNITS)
        for pk, town in rows:
            since = date(2021, 3, 1) + timedelta(days=rng.randrange(0, 900))
            if rng.random() < 0.04:  # an earlier cadre, handed over: the history shows both
                pairings.append(
                    {
                        "cadre_id": cadre.pk,
                        "household_id": pk,
                        "unit": rng.choice(UNITS),
                        "since": date(2019, 1, 1) + timedelta(days=rng.randrange(0, 400)),
                        "until": since - timedelta(days=1),
                        "county_code": county_code,
                        "town_code": town,
                        "village_code": village,
                    }
                )
            pairings.append(
                {
                    "cadre_id": cadre.pk,
                    "household_id": pk,
                    "unit": unit,
                    "since": since,
                    "county_code": county_code,
                    "town_code": town,
                    "village_code": village,
                }
            )
    cadre_pairings_load(pairings, change_reason="demo")
    # Officers: 123 at full scale, in the villages with the most households to contact, each
    # with ≤ 200 households of their own village; the demo officer takes 石牛村.
    demo_officer = User.objects.filter(username_key=username_key(DEMO_OFFICER)).first()
    budget = max(1, round(OFFICERS_AT_FULL_SCALE * scale))
    home = demo_officer.region.code if demo_officer and demo_officer.region else ""
    order = sorted(by_village, key=lambda v: (v != home, -len(by_village[v]), v))
    slots: list[tuple[str, list[tuple[int, str]]]] = []
    for village in order:
        rows = by_village[village]
        needed = math.ceil(len(rows) / OFFICER_LIMIT)
        if len(slots) + needed > budget:
            break
        size = math.ceil(len(rows) / needed)
        slots += [(village, rows[i : i + size]) for i in range(0, len(rows), size)]
    officers: list[User] = []
    first = 0
    if demo_officer is not None and slots and slots[0][0] == home:
        officers.append(demo_officer)
        first = 1
    officers += _accounts(
        rng, Role.VILLAGE_OFFICER, "officer", [v for v, _r in slots[first:]], regions
    )
    assignments = [
        OfficerAssignment(
            officer=officer,
            household_id=pk,
            since=date(2021, 6, 1),
            county_code=county_code,
            town_code=town,
            village_code=village,
        )
        for officer, (village, rows) in zip(officers, slots, strict=True)
        for pk, town in rows
    ]
    for i in range(0, len(assignments), BATCH):
        bulk_insert_with_history(
            assignments[i : i + BATCH], OfficerAssignment, change_reason="demo"
        )


def _accept(rng: random.Random, county_code: str, today: date) -> None:
    """About 45 % of proposed items accepted by the town, their measures recorded; a third of
    those done."""
    now = timezone.now()
    items = list(
        PlanItem.objects.filter(county_code=county_code, responsible__isnull=False).values_list(
            "pk",
            "household_id",
            "member_id",
            "kind_id",
            "due_on",
            "responsible_id",
            "town_code",
            "village_code",
        )
    )
    chosen = [row for row in items if rng.random() < 0.45]
    done = {row[0] for row in chosen if rng.random() < 0.35}
    for i in range(0, len(chosen), BATCH):
        part = chosen[i : i + BATCH]
        ids = [r[0] for r in part]
        PlanItem.objects.filter(pk__in=ids).update(status=ItemStatus.ACCEPTED, touched_at=now)
        PlanItem.objects.filter(pk__in=[p for p in ids if p in done]).update(status=ItemStatus.DONE)
        Measure.objects.bulk_create(
            [
                Measure(
                    household_id=h,
                    member_id=m,
                    kind_id=k,
                    planned_on=due,
                    status=MeasureStatus.DONE if pk in done else MeasureStatus.PLANNED,
                    done_on=min(due, today) if pk in done else None,
                    responsible_id=resp,
                    plan_item_id=pk,
                    county_code=county_code,
                    town_code=town,
                    village_code=village,
                    note="演示 demo",
                )
                for pk, h, m, k, due, resp, town, village in part
            ]
        )


def _visits(rng: random.Random, county_code: str, today: date) -> None:
    """A year of visits by each household's officer (and, now and then, its cadre), on the
    class's schedule; about one household in eight has missed its latest visit."""
    schedule = dict(VisitSchedule.objects.values_list("target", "interval_days"))
    assigned = list(
        OfficerAssignment.objects.filter(county_code=county_code, until__isnull=True).values_list(
            "household_id", "officer_id", "town_code", "village_code"
        )
    )
    cadre_of = dict(
        CadrePairing.objects.filter(county_code=county_code, until__isnull=True).values_list(
            "household_id", "cadre_id"
        )
    )
    targets = current_targets(county_code, [row[0] for row in assigned])
    visits: list[Visit] = []
    for household_id, officer_id, town, village in assigned:
        interval = schedule.get(targets.get(household_id, ""), 180)
        day = today - timedelta(days=365 - rng.randrange(0, interval))
        skip_last = rng.random() < 0.12
        while day <= today:
            if skip_last and day + timedelta(days=interval) > today - timedelta(days=interval // 2):
                break
            by_cadre = household_id in cadre_of and rng.random() < 0.25
            visits.append(
                Visit(
                    household_id=household_id,
                    visitor_id=cadre_of[household_id] if by_cadre else officer_id,
                    visited_on=day,
                    met=rng.choice(("户主", "户主及配偶", "户主子女")),
                    checked=rng.sample(CHECKS, 4),
                    findings="情况正常",
                    county_code=county_code,
                    town_code=town,
                    village_code=village,
                )
            )
            day += timedelta(days=interval + rng.randrange(-5, 6))
    for i in range(0, len(visits), BATCH):
        Visit.objects.bulk_create(visits[i : i + BATCH])


def _six(rng: random.Random, county_code: str, today: date) -> None:
    """The demo officer's village: handbooks, boards and archive sheets printed (v1); a few
    households reprinted since (the board still shows v1), and a few visits that found a
    difference from the record."""
    officer = User.objects.filter(username_key=username_key(DEMO_OFFICER)).first()
    if officer is None or officer.region is None:
        return
    rows = list(
        OfficerAssignment.objects.filter(
            county_code=county_code, officer=officer, until__isnull=True
        ).values_list("household_id", "town_code", "village_code")
    )
    now = timezone.now()
    stamps = [
        PrintStamp(
            household_id=h,
            document=doc,
            version=1,
            record_at=now - timedelta(days=100),
            printed_at=now - timedelta(days=100),
            county_code=county_code,
            town_code=t,
            village_code=v,
        )
        for h, t, v in rows
        for doc in ("archive", "board", "handbook")
    ]
    PrintStamp.objects.bulk_create(stamps, batch_size=BATCH)
    sample = rng.sample(rows, min(len(rows), 8))
    notes = (
        "家庭人口：户内实际4人，系统3人",
        "住房：已完成改造，系统仍为C级",
        "务工：长子已外出务工",
    )
    for i, (h, t, v) in enumerate(sample):
        codes = {"county_code": county_code, "town_code": t, "village_code": v}
        if i < 5:
            PrintStamp.objects.create(
                household_id=h,
                document="board",
                version=2,
                record_at=now,
                printed_at=now,
                **codes,
            )
            Discrepancy.objects.create(
                household_id=h,
                kind=DiscrepancyKind.VERSION_SEEN,
                document="board",
                detail="户专栏：户内为v1，系统最新为v2",
                found_on=today - timedelta(days=3),
                **codes,
            )
        else:
            Discrepancy.objects.create(
                household_id=h,
                kind=DiscrepancyKind.VISIT_DIFFERS,
                document="",
                detail=notes[i % len(notes)],
                found_on=today - timedelta(days=10),
                **codes,
            )


def _count(report: AssistanceReport, county_code: str, today: date) -> None:
    from django.db.models import Count, Max

    from zhenxing.assistance.models import Plan
    from zhenxing.assistance.selectors import due_list

    current = CadrePairing.objects.filter(county_code=county_code, until__isnull=True)
    report.cadres = current.values("cadre").distinct().count()
    report.paired_households = current.count()
    officers = (
        OfficerAssignment.objects.filter(county_code=county_code, until__isnull=True)
        .values("officer")
        .annotate(n=Count("pk"))
    )
    report.officers = officers.count()
    report.assigned_households = sum(o["n"] for o in officers)
    report.max_per_officer = officers.aggregate(m=Max("n"))["m"] or 0
    report.plans = Plan.objects.filter(county_code=county_code).count()
    report.items = PlanItem.objects.filter(county_code=county_code).count()
    report.accepted = PlanItem.objects.filter(
        county_code=county_code, status__in=(ItemStatus.ACCEPTED, ItemStatus.DONE)
    ).count()
    report.visits = Visit.objects.filter(county_code=county_code).count()
    report.discrepancies = Discrepancy.objects.filter(
        county_code=county_code, resolved_at__isnull=True
    ).count()
    officer = User.objects.filter(username_key=username_key(DEMO_OFFICER)).first()
    if officer is not None:
        report.overdue = sum(1 for r in due_list(officer, today=today) if r.due and r.due.overdue)
