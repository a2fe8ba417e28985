"""The demo district's supervision (督战) as the article describes it: 24 assistance groups with
119 member units fixed to 25 towns, 63 villages with "3+3" resident work teams (390 members),
27 commanders, the July supervision visit to 珍溪镇石牛村六组 and 中乐村 with its two problems
(one rectified and verified, one overdue), a responsibility list at every level, the
infrastructure figures and targets with progress, village facts, and a few dozen warnings in
珍溪镇 answered at different speeds.

Everything goes through the supervision and monitoring services (the visit is dated in the
latest July, so the overdue problem is a live one). The supervisor demo login is the commander
徐志红 (区政协主席), over 珍溪镇 and the health and education departments.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from zhenxing.accounts.models import User, username_key
from zhenxing.core.timeutil import business_today
from zhenxing.households.models import Household
from zhenxing.regions.models import Division
from zhenxing.supervision import services
from zhenxing.supervision.choices import OwnerType
from zhenxing.supervision.models import AssistanceGroup, Commander, Department

COUNTY = "500102"
URBAN_STREETS = ("敦仁街道", "崇义街道")  # the two towns no group is fixed to (25 of 27)
DEPARTMENTS = [
    "区乡村振兴局",
    "区教委",
    "区卫生健康委",
    "区医保局",
    "区民政局",
    "区住房城乡建委",
    "区水利局",
    "区交通局",
    "区农业农村委",
    "区人力社保局",
    "区残联",
    "区生态环境局",
]
UNIT_STEMS = [
    "区委办公室",
    "区政府办公室",
    "区人大常委会办公室",
    "区政协办公室",
    "区纪委监委",
    "区委组织部",
    "区委宣传部",
    "区委统战部",
    "区委政法委",
    "区发展改革委",
    "区经济信息委",
    "区财政局",
    "区审计局",
    "区统计局",
    "区商务委",
    "区文化旅游委",
    "区规划自然资源局",
    "区城市管理局",
    "区市场监管局",
    "区应急局",
    "区林业局",
    "区税务局",
    "区公安局",
    "区司法局",
    "区法院",
    "区检察院",
    "区总工会",
    "团区委",
    "区妇联",
    "区科协",
    "区工商联",
    "区供销社",
    "区气象局",
    "区烟草专卖局",
    "区邮政分公司",
    "区电信分公司",
    "区移动分公司",
    "区农商银行",
    "区农业银行",
    "区建设银行",
    "区工商银行",
    "区中国银行",
    "区交通开发投资集团",
    "区城投集团",
    "区水务集团",
    "区榨菜集团",
    "区人民医院",
    "区中心医院",
    "区中医院",
    "涪陵高级中学",
    "涪陵实验中学",
    "区职教中心",
    "区档案馆",
    "区机关事务局",
    "区退役军人事务局",
    "区信访办",
    "区大数据局",
    "区医保中心",
    "区社保中心",
    "区疾控中心",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "志明建国伟强军华平红英勇文斌涛静丽芳霞鹏辉波刚杰林峰敏燕雪梅亮宏庆春"
TITLES = [
    "区委副书记",
    "区人大常委会主任",
    "常务副区长",
    "区委常委",
    "副区长",
    "区人大常委会副主任",
    "区政协副主席",
]


@dataclass
class SupervisionSummary:
    groups: int = 0
    units: int = 0
    towns: int = 0
    teams: int = 0
    members: int = 0
    commanders: int = 0
    items: int = 0
    problems: int = 0
    projects: int = 0
    warnings: int = 0
    skipped: bool = False
    lines: list[str] = field(default_factory=list)


def _user(name: str) -> User | None:
    return User.objects.filter(username_key=username_key(name)).first()


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        if name not in used and name != "徐志红":
            used.add(name)
            return name


def _last_july(today: date) -> date:
    year = today.year if today >= date(today.year, 7, 31) else today.year - 1
    return date(year, 7, 16)


def demo_supervision_load(*, seed: int) -> SupervisionSummary:
    """Build the supervision demo once (a second call changes nothing)."""
    if AssistanceGroup.objects.filter(county_code=COUNTY).exists():
        return SupervisionSummary(skipped=True)
    rng = random.Random(seed)  # noqa: S311 — demo data, not security
    today = business_today()
    with transaction.atomic():
        summary = SupervisionSummary()
        depts = {
            n: services.department_create(actor=None, name=n, county_code=COUNTY)
            for n in DEPARTMENTS
        }
        towns = list(
            Division.objects.filter(
                county_code=COUNTY, level="town", valid_to__isnull=True
            ).order_by("code")
        )
        covered = [t for t in towns if t.name not in URBAN_STREETS]
        _organisation(summary, covered, rng)
        _teams(summary, rng, today)
        _commanders(summary, towns, depts, rng)
        _visit(summary, depts, today)
        _items(summary, covered, depts, today)
        _infrastructure(summary, depts, towns, today, rng)
        _warnings(summary, today, rng)
    return summary


def _organisation(summary: SupervisionSummary, covered: list[Division], rng: random.Random) -> None:
    stems = list(UNIT_STEMS)
    units = stems + [f"区属国有企业（{i}）" for i in range(1, 120 - len(stems) + 1)]
    units = units[:119]
    sizes = [5] * 23 + [4]  # 119 member units in 24 groups
    start = 0
    groups: list[AssistanceGroup] = []
    for i, size in enumerate(sizes):
        chunk = units[start : start + size]
        start += size
        groups.append(
            services.group_create(
                actor=None,
                name=f"第{i + 1}扶贫集团",
                lead_unit=chunk[0],
                units=chunk,
                county_code=COUNTY,
            )
        )
    for i, town in enumerate(covered):
        group = groups[i % len(groups)]
        # The 25th town was first with the 24th group, then with the first one.
        if i >= len(groups):
            services.group_assign_town(
                actor=None,
                group=groups[-1],
                town_code=town.code,
                since=date(2016, 1, 1),
                until=date(2018, 12, 31),
            )
            services.group_assign_town(
                actor=None, group=group, town_code=town.code, since=date(2019, 1, 1)
            )
        else:
            services.group_assign_town(
                actor=None, group=group, town_code=town.code, since=date(2017, 1, 1)
            )
    summary.groups, summary.units, summary.towns = len(groups), len(units), len(covered)


def _teams(summary: SupervisionSummary, rng: random.Random, today: date) -> None:
    villages = list(
        Division.objects.filter(
            county_code=COUNTY, level="village", kind="village", valid_to__isnull=True
        ).order_by("code")[:63]
    )
    # 63 × 6 = 378; twelve teams have a seventh member: 390.
    used: set[str] = set()
    staff = 0
    start = date(2021, 6, 1)
    for i, village in enumerate(villages):
        team = services.work_team_create(actor=None, village_code=village.code, started_on=start)
        size = 7 if i < 12 else 6
        if i == len(villages) - 1 and i > 1:
            size = 5  # one team below its size: flagged
        for m in range(size):
            staff += 1
            role = "first_secretary" if m == 0 else "member"
            level = "district" if m < 3 else "town"
            ended = None
            if i == len(villages) - 2 and m == 0 and i > 1:
                ended = today - timedelta(days=40)  # the secretary left: flagged
            services.work_team_member_add(
                actor=None,
                team=team,
                staff_no=f"FL{staff:04d}",
                name=_name(rng, used),
                role=role,
                home_unit=rng.choice(UNIT_STEMS),
                level=level,
                started_on=start,
                ended_on=ended,
            )
        summary.teams += 1
        summary.members += size


def _commanders(
    summary: SupervisionSummary,
    towns: list[Division],
    depts: dict[str, Department],
    rng: random.Random,
) -> None:
    supervisor = _user("supervisor")
    zhenxi = [t for t in towns if t.name == "珍溪镇"]
    others = [t for t in towns if t.name != "珍溪镇"]
    services.commander_create(
        actor=None,
        name="徐志红",
        title="区政协主席",
        town_codes=[t.code for t in zhenxi],
        departments=[depts["区卫生健康委"], depts["区教委"]],
        user=supervisor,
        county_code=COUNTY,
    )
    used: set[str] = set()
    rest = [d for n, d in depts.items() if n not in ("区卫生健康委", "区教委")]
    for i in range(26):
        town_codes = [others[i].code] if i < len(others) else []
        services.commander_create(
            actor=None,
            name=_name(rng, used),
            title=TITLES[i % len(TITLES)],
            town_codes=town_codes,
            departments=[rest[i % len(rest)]],
            county_code=COUNTY,
        )
    summary.commanders = 27


def _visit(summary: SupervisionSummary, depts: dict[str, Department], today: date) -> None:
    commander = Commander.objects.get(county_code=COUNTY, name="徐志红")
    shiniu = Division.objects.get(county_code=COUNTY, name="石牛村", valid_to__isnull=True)
    zhongle = Division.objects.get(county_code=COUNTY, name="中乐村", valid_to__isnull=True)
    home = (
        Household.objects.filter(group_code=f"{shiniu.code}006").order_by("id").first()
        or Household.objects.filter(village_code=shiniu.code).order_by("id").first()
    )
    day = _last_july(today)
    supervisor, district = _user("supervisor"), _user("district")
    visit = services.visit_record(
        actor=supervisor,
        commander=commander,
        visited_on=day,
        town_code=shiniu.town_code,
        village_code=shiniu.code,
        household=home,
        companions="区乡村振兴局、珍溪镇党委",
        checked=["medical", "schooling", "housing"],
        summary="走进石牛村6组脱贫户家中，详细了解就医、就学、住房等情况。",
        findings=[
            services.FindingDraft("medical", "慢性病门诊费用报销未及时结算，家庭自付偏高", home)
        ],
    )
    second = services.visit_record(
        actor=supervisor,
        commander=commander,
        visited_on=day,
        town_code=zhongle.town_code,
        village_code=zhongle.code,
        companions="珍溪镇党委",
        checked=["medical", "income", "work_team"],
        summary="前往中乐村看望脱贫群众，了解生产生活中遇到的困难。",
        findings=[services.FindingDraft("work_team", "村卫生室缺少合格村医，驻村工作队未跟进")],
    )
    fixed = services.problem_assign(
        actor=supervisor,
        finding=visit.findings.get(),
        owner_type=OwnerType.DEPARTMENT,
        owner=depts["区医保局"].pk,
        deadline=day + timedelta(days=15),
    )
    fixed = services.problem_rectify(
        actor=district, problem=fixed, rectification="已完成门诊慢特病费用结算并纳入一站式结算"
    )
    services.problem_verify(actor=supervisor, problem=fixed, accept=True, note="回访户主确认")
    services.problem_assign(
        actor=supervisor,
        finding=second.findings.get(),
        owner_type=OwnerType.TOWN,
        owner=zhongle.town_code,
        deadline=day + timedelta(days=30),
    )
    services.problems_escalate(actor=None, county_code=COUNTY, today=today)
    summary.problems = 2


def _items(
    summary: SupervisionSummary, covered: list[Division], depts: dict[str, Department], today: date
) -> None:
    shiniu = Division.objects.get(county_code=COUNTY, name="石牛村", valid_to__isnull=True)
    zhongle = Division.objects.get(county_code=COUNTY, name="中乐村", valid_to__isnull=True)
    team = services_team(shiniu.code)
    cadre = _user("cadre.shiniu")
    rows: list[tuple[str, str, str, object, int]] = [
        (
            "控辍保学：义务教育阶段适龄儿童零辍学",
            "education",
            OwnerType.DEPARTMENT,
            depts["区教委"].pk,
            -10,
        ),
        ("脱贫人口基本医保参保率 100%", "medical", OwnerType.DEPARTMENT, depts["区医保局"].pk, 20),
        ("家庭医生签约服务全覆盖", "medical", OwnerType.DEPARTMENT, depts["区卫生健康委"].pk, -5),
        ("农村危房动态监测与改造", "housing", OwnerType.DEPARTMENT, depts["区住房城乡建委"].pk, 45),
        ("农村供水保障与水质检测", "water", OwnerType.DEPARTMENT, depts["区水利局"].pk, 30),
        ("脱贫劳动力务工就业稳岗", "income", OwnerType.DEPARTMENT, depts["区人力社保局"].pk, 60),
        ("珍溪镇：监测对象帮扶措施落实到户", "income", OwnerType.VILLAGE, zhongle.code, -3),
        ("石牛村：书记遍访脱贫户和监测户", "organisation", OwnerType.VILLAGE, shiniu.code, 14),
    ]
    if team is not None:
        rows.append(
            ("驻村工作队：每月走访全部监测户", "organisation", OwnerType.WORK_TEAM, team, 7)
        )
    if cadre is not None:
        rows.append(("结对帮扶：核实结对户全年收入", "income", OwnerType.CADRE, cadre.pk, 21))
    for town in covered:
        rows.append(
            (
                f"{town.name}：“两不愁三保障”动态排查",
                "food_clothing",
                OwnerType.TOWN,
                town.code,
                -20 if town.name == "珍溪镇" else 25,
            )
        )
    for i, (title, pillar, owner_type, owner, days) in enumerate(rows):
        item = services.item_create(
            actor=None,
            title=title,
            pillar=pillar,
            owner_type=owner_type,
            owner=owner,
            due_on=today + timedelta(days=days),
            county_code=COUNTY,
        )
        if i % 5 == 4:
            services.item_complete(actor=None, item=item)
    summary.items = len(rows)


def services_team(village_code: str) -> int | None:
    from zhenxing.supervision.models import WorkTeam

    team = WorkTeam.objects.filter(county_code=COUNTY, village_code=village_code).first()
    return team.pk if team else None


# (code, name, category, kind, level, unit, target, value, department, milestones)
PROJECTS: list[tuple[str, str, str, str, str, str, str, str, str]] = [
    (
        "roads-4197",
        "建成“四好农村路”",
        "roads",
        "achieved",
        "district",
        "公里",
        "4197",
        "4197",
        "区交通局",
    ),
    (
        "elderly-62",
        "社区养老服务站",
        "elderly",
        "achieved",
        "district",
        "个",
        "62",
        "62",
        "区民政局",
    ),
    ("happy-110", "农村幸福院", "elderly", "achieved", "district", "个", "110", "110", "区民政局"),
    (
        "toilet-12490",
        "四类重点对象农户改厕",
        "sanitation",
        "achieved",
        "district",
        "户",
        "12490",
        "12490",
        "区农业农村委",
    ),
    ("roads-50", "改造国省县乡道", "roads", "plan", "district", "公里", "50", "31.6", "区交通局"),
    (
        "roads-300",
        "新改建“四好农村路”",
        "roads",
        "plan",
        "district",
        "公里",
        "300",
        "186.5",
        "区交通局",
    ),
    ("res-heitang", "开工建设黑塘水库", "water", "plan", "district", "座", "1", "0", "区水利局"),
    (
        "res-shuangjiang",
        "加快双江水库建设",
        "water",
        "plan",
        "district",
        "座",
        "1",
        "0.6",
        "区水利局",
    ),
    (
        "res-yinjiagou",
        "加快殷家沟水库建设",
        "water",
        "plan",
        "district",
        "座",
        "1",
        "0.45",
        "区水利局",
    ),
    ("water-80", "城乡供水一体化率", "water", "plan", "district", "%", "80", "76.5", "区水利局"),
    ("school-5", "新时代德育品牌学校", "education", "plan", "district", "所", "5", "3", "区教委"),
    (
        "elderly-centre-5",
        "乡镇养老服务中心",
        "elderly",
        "plan",
        "district",
        "个",
        "5",
        "2",
        "区民政局",
    ),
    (
        "elderly-point-20",
        "村级互助养老点",
        "elderly",
        "plan",
        "district",
        "个",
        "20",
        "11",
        "区民政局",
    ),
    (
        "toilet-1000",
        "农户改厕",
        "sanitation",
        "plan",
        "district",
        "户",
        "1000",
        "640",
        "区农业农村委",
    ),
    (
        "waste-100",
        "行政村生活垃圾分类覆盖率",
        "sanitation",
        "plan",
        "district",
        "%",
        "100",
        "87",
        "区生态环境局",
    ),
    (
        "livable-10",
        "新建宜居村庄",
        "livability",
        "plan",
        "district",
        "个",
        "10",
        "4",
        "区农业农村委",
    ),
]


def _infrastructure(
    summary: SupervisionSummary,
    depts: dict[str, Department],
    towns: list[Division],
    today: date,
    rng: random.Random,
) -> None:
    district = _user("district")
    start = date(today.year - 1, 1, 1)
    for code, name, category, kind, level, unit, target, value, dept in PROJECTS:
        milestones = []
        if code.startswith("res-"):
            milestones = [
                ("立项批复", start + timedelta(days=90)),
                ("开工", start + timedelta(days=400)),
                ("主体完工", start + timedelta(days=900)),
            ]
        project = services.project_create(
            actor=None,
            code=code,
            name=name,
            category=category,
            kind=kind,
            level=level,
            unit=unit,
            target=target,
            owner_type=OwnerType.DEPARTMENT,
            owner=depts[dept].pk,
            due_on=date(2025, 12, 31) if kind == "achieved" else date(today.year + 2, 12, 31),
            milestones=milestones,
            county_code=COUNTY,
        )
        if milestones and Decimal(value) > 0:
            services.milestone_done(
                actor=district,
                milestone=project.milestones.first(),  # type: ignore[arg-type]
                done_on=start + timedelta(days=80),
            )
        if Decimal(value) > 0:
            half = (Decimal(value) / 2).quantize(Decimal("0.01"))
            services.progress_report(
                actor=district,
                project=project,
                reported_on=today - timedelta(days=120),
                value=half if kind == "plan" else value,
            )
            services.progress_report(
                actor=district, project=project, reported_on=today - timedelta(days=10), value=value
            )
        summary.projects += 1
    longtan = next((t for t in towns if t.name == "龙潭镇"), None)
    if longtan is not None:
        services.project_create(
            actor=None,
            code="water-longtan",
            name="龙潭镇场镇规模化供水工程",
            category="water",
            kind="plan",
            level="town",
            unit="座",
            target="1",
            owner_type=OwnerType.TOWN,
            owner=longtan.code,
            due_on=date(today.year + 1, 6, 30),
            milestones=[("管网铺设", today + timedelta(days=60))],
            county_code=COUNTY,
        )
        summary.projects += 1
    villages = Division.objects.filter(
        county_code=COUNTY, level="village", kind="village", valid_to__isnull=True
    ).order_by("code")
    for i, village in enumerate(villages):
        services.village_facts_record(
            actor=None,
            village_code=village.code,
            clinics=0 if i % 13 == 5 else 1,
            doctors=0 if i % 9 == 4 else rng.randint(1, 2),
            waste_sorting=0 if i % 8 == 3 else 1,
            as_of=today - timedelta(days=30),
        )


def _warnings(summary: SupervisionSummary, today: date, rng: random.Random) -> None:
    """Visit-finding leads in 珍溪镇 over the last 40 days; 石牛村's are accepted and verified
    by its officer (some late), a few get a measure; 中乐村's wait."""
    from zhenxing.monitoring.models import Channel
    from zhenxing.monitoring.services import case_verify, lead_accept, lead_record, measure_record

    officer, district = _user("officer.shiniu"), _user("district")
    if officer is None or district is None or officer.region is None:
        return
    shiniu = officer.region.village_code
    zhongle = Division.objects.get(county_code=COUNTY, name="中乐村", valid_to__isnull=True)
    homes = [
        *Household.objects.filter(village_code=shiniu, monitoring_type="").order_by("id")[1:19],
        *Household.objects.filter(village_code=zhongle.code, monitoring_type="").order_by("id")[
            :12
        ],
    ]
    for i, home in enumerate(homes):
        found = today - timedelta(days=2 + (i * 37) % 40)
        lead = lead_record(
            actor=district,
            household=home,
            channel=Channel.VISIT,
            detail="走访发现：家庭成员患病，医疗支出增加",
            risk_types=["illness"],
            found_on=found,
        )
        summary.warnings += 1
        if home.village_code != shiniu or i % 3 == 2:
            continue
        case = lead_accept(actor=district, lead=lead)
        case_verify(
            actor=officer,
            case=case,
            notes="入户核实属实",
            monitoring_type="sudden_hardship",
            risk_types=["illness"],
        )
        if i % 2 == 0:
            measure_record(actor=officer, household=home, kind="medical", planned_on=today)
