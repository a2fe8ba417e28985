"""The pure generator: one `TownBatch` per township unit with plaintext rows; same seed and
scale, same rows. Each village draws its people from its own `random.Random` (seeded by the
seed and the village code) and each town takes ID sequence codes from its own share of the
range, so towns can be generated apart (in parallel) and IDs are unique by construction."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from zhenxing.demo.households.people import (
    _BANK_PREFIXES,
    _CHRONIC,
    _DISABLED,
    _EDU,
    _GENERATION_CHARS,
    _GIVEN,
    _GRADE_CUM,
    _JAN_FIRST,
    _MOBILE_PREFIXES,
    _MONTHLY_WAGE,
    _OTHER_AREAS,
    _PLACES,
    _SERIOUS,
    _SIZE_CUM,
    _SURNAME_CUM,
    NAMED_HOUSEHOLDS,
    SURNAMES,
    NamedHousehold,
    NamedMember,
    _bracket,
    _era,
    _pick,
)
from zhenxing.demo.households.plan import (
    AS_OF,
    COUNTY_CODE,
    INCOME_YEAR,
    MONITORING_LINE_FEN,
    TownBatch,
    TownPlan,
    VillagePlan,
    plan_district,
)
from zhenxing.households.choices import Category

# ---------------------------------------------------------------- the generator


class _IdAllocator:
    """Sequence codes unique within the district without looking anything up.

    The 3-digit sequence code is odd for men and even for women; its value range is shared
    out between the township units (town index + 27·k), so towns can be generated
    independently and no two people anywhere get the same number. When a town has used all its
    slots for one area, birth date and sex (never at the demo's scales), the birth date moves a
    day earlier — a deterministic shift, not a random retry.
    """

    def __init__(self, town_index: int, towns: int) -> None:
        self.town_index = town_index
        self.towns = towns
        self.used: Counter[tuple[str, int, int]] = Counter()
        # The MOD 11-2 sum split by part, so a million numbers cost a few additions each; the
        # tests check every number with `validate_id` (and so against `check_char`).
        self._area_sums: dict[str, int] = {}

    def allocate(self, area: str, birth_ordinal: int, male: bool) -> tuple[str, int]:
        parity = 1 if male else 0
        while True:
            key = (area, birth_ordinal, parity)
            k = self.used[key]
            seq = 2 * (k * self.towns + self.town_index) + parity
            if seq <= 999:
                self.used[key] = k + 1
                break
            birth_ordinal -= 1
        area_sum = self._area_sums.get(area)
        if area_sum is None:
            area_sum = self._area_sums[area] = _weighted(area, _ID_WEIGHTS[:6])
        ymd = _DATE_PARTS.get(birth_ordinal)
        if ymd is None:
            d = date.fromordinal(birth_ordinal)
            text = f"{d.year:04d}{d.month:02d}{d.day:02d}"
            ymd = _DATE_PARTS[birth_ordinal] = (text, _weighted(text, _ID_WEIGHTS[6:14]))
        total = area_sum + ymd[1] + (seq // 100) * 8 + (seq // 10 % 10) * 4 + (seq % 10) * 2
        return f"{area}{ymd[0]}{seq:03d}{_ID_CHECK[total % 11]}", birth_ordinal


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643, positions 1–17
_ID_CHECK = "10X98765432"
_DATE_PARTS: dict[int, tuple[str, int]] = {}  # birth date ordinal → (YYYYMMDD, weighted sum)


def _weighted(digits: str, weights: Sequence[int]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True))


class _TownGenerator:
    """One town's households, numbered from `first_id`; `district_first_id` is the district's
    first household id, so phone and bank numbers follow the household's place in the district
    (unique) and not the database's id offset."""

    def __init__(
        self, town: TownPlan, towns: int, seed: int, first_id: int, district_first_id: int
    ) -> None:
        self.town = town
        self.seed = seed
        self.ids = _IdAllocator(town.index, towns)
        self.next_id = first_id
        self.district_first_id = district_first_id
        self.batch = TownBatch(town.code, town.name)
        self.phone_key = random.Random(f"{seed}:phones").randrange(1, 10**8)  # noqa: S311 — synthetic demo data, not a secret

    # -- household level

    def run(self) -> TownBatch:
        for village in self.town.villages:
            self._village(village)
        return self.batch

    def _village(self, plan: VillagePlan) -> None:
        rng = random.Random(f"{self.seed}:{plan.code}")  # noqa: S311 — synthetic data
        named = {
            min(n.group, len(plan.groups)): n
            for n in NAMED_HOUSEHOLDS
            if n.town == self.town.name and n.village == plan.name
        }
        named_exited = sum(1 for n in named.values() if n.exit_year is not None)
        slots: list[tuple[int, int]] = []  # (group index, sequence)
        for g_index, count in enumerate(plan.households):
            slots.extend((g_index, seq) for seq in range(1, count + 1))
        named_slots = {(g - 1, 1) for g in named}
        free = [i for i, s in enumerate(slots) if s not in named_slots]
        exited = set(rng.sample(free, max(0, min(len(free), plan.exited - named_exited))))
        for i, (g_index, seq) in enumerate(slots):
            group_code, group_name = plan.groups[g_index]
            spec = named.get(g_index + 1) if seq == 1 else None
            is_exited = spec.exit_year is not None if spec else i in exited
            self._household(rng, plan, group_code, group_name, seq, is_exited, spec)

    def _household(
        self,
        rng: random.Random,
        plan: VillagePlan,
        group_code: str,
        group_name: str,
        seq: int,
        exited: bool,
        spec: NamedHousehold | None,
    ) -> None:
        r = rng.random
        hid = self.next_id
        self.next_id += 1
        b = self.batch
        if spec is not None:
            exit_year = spec.exit_year
            family = [(m.relation, m.age, m.sex) for m in spec.members]
        else:
            exit_year = (2014 + min(6, int(r() * 7))) if exited else None
            family = _family(rng, _pick(_SIZE_CUM[exited], r()) + 1)
        size = len(family)
        surname = SURNAMES[_pick(_SURNAME_CUM, r() * _SURNAME_CUM[-1])]
        generation_char = rng.choice(_GENERATION_CHARS) if r() < 0.4 else ""
        members: list[list[Any]] = []
        for m_index, (relation, age, sex) in enumerate(family):
            named_member = spec.members[m_index] if spec is not None else None
            members.append(
                self._member(
                    rng, hid, relation, age, sex, surname, generation_char, exited, named_member
                )
            )
        # household-level support: 低保/特困 for weak households, mostly exited ones
        labourers = sum(1 for m in members if m[10] in ("ordinary", "skilled"))
        head_age = family[0][1]
        if size == 1 and head_age >= 60 and labourers == 0 and r() < (0.22 if exited else 0.02):
            members[0][17] = True  # 特困供养
        elif r() < (0.5 if exited else 0.06) * (1.0 if labourers == 0 else 0.25):
            whole = r() < 0.6
            for m in members:
                if whole or m[8] != "healthy":
                    m[16] = True
        per_capita = self._incomes(rng, hid, members, exited, head_age)
        self._facts(rng, hid, plan, exited, size, head_age)
        # head: phone and bank account, derived from the household's ordinal (so unique; the
        # multipliers are prime to 10, which makes both maps one-to-one)
        ordinal = hid - self.district_first_id
        phone = ""
        if r() < (0.6 if head_age >= 80 else 0.93):
            x = (ordinal * 48_271 + self.phone_key) % 10**8
            phone = f"{_MOBILE_PREFIXES[ordinal % len(_MOBILE_PREFIXES)]}{x:08d}"
        bank = ""
        if r() < (0.9 if exited else 0.6):
            account = (ordinal * 7_919 + 13) % 10**12
            body = f"{_BANK_PREFIXES[ordinal % len(_BANK_PREFIXES)]}{account:012d}"
            bank = body + _luhn(body)
        town_short = self.town.name
        head_name = members[0][1]
        b.households.append(
            (
                hid,
                f"{group_code}{seq:04d}",
                group_code,
                Category.EXITED.value if exited else Category.GENERAL.value,
                exit_year,
                f"{town_short}{plan.name}{group_name}{seq}号",
                head_name,
                phone,
                bank,
                size,
            )
        )
        for m in members:
            b.members.append(tuple(m))
        b.per_capita.append((exited, per_capita))

    # -- member level

    def _member(
        self,
        rng: random.Random,
        hid: int,
        relation: str,
        age: int,
        sex: str,
        surname: str,
        generation_char: str,
        exited: bool,
        named: NamedMember | None,
    ) -> list[Any]:
        r = rng.random
        birth_year = AS_OF.year - age
        birth_ordinal = _JAN_FIRST[birth_year] + int(r() * 365)
        area = COUNTY_CODE
        if (relation in ("spouse", "child_in_law") and r() < 0.3) or r() < 0.03:
            area = _OTHER_AREAS[int(r() * len(_OTHER_AREAS))]
        id_number, birth_ordinal = self.ids.allocate(area, birth_ordinal, sex == "M")
        birth = date.fromordinal(birth_ordinal)
        # name
        if named is not None:
            name = named.name
        else:
            family_name = surname
            if relation in ("spouse", "child_in_law") or (relation == "parent" and sex == "F"):
                family_name = SURNAMES[_pick(_SURNAME_CUM, r() * _SURNAME_CUM[-1])]
            era = _era(birth_year)
            firsts, seconds = _GIVEN[(era, sex)]
            if r() < (0.08 if era == 3 else 0.14):
                given = seconds[int(r() * len(seconds))]
            else:
                first = (
                    generation_char
                    if generation_char and relation in ("child", "grandchild") and era == 3
                    else firsts[int(r() * len(firsts))]
                )
                given = first + seconds[int(r() * len(seconds))]
            name = family_name + given
        # health
        bracket = _bracket(age)
        u = r()
        boost = 2.0 if exited else 1.0
        p_dis = _DISABLED[bracket] * boost
        p_ser = p_dis + _SERIOUS[bracket] * boost
        p_chr = p_ser + _CHRONIC[bracket] * (1.6 if exited else 1.0)
        grade: int | None = None
        if named is not None and named.health is not None:
            health = named.health
            grade = named.disability_grade
        else:
            health = (
                "disabled"
                if u < p_dis
                else "serious"
                if u < p_ser
                else "chronic"
                if u < p_chr
                else "healthy"
            )
        if health == "disabled" and grade is None:
            grade = _pick(_GRADE_CUM, r()) + 1
        # schooling (children born by 2020 are in the 2026/27 school year) and education
        school = ""
        if birth_year <= 2020 and age <= 17:
            if age <= 15:
                if health == "disabled" and grade is not None and grade <= 2:
                    school = "home_tuition" if r() < 0.7 else "exempt"
                elif health == "serious" and r() < 0.3:
                    school = "exempt"
                elif r() < (0.0006 if exited else 0.0002):
                    school = "out_of_school"
                else:
                    school = "in_school"
            elif r() < 0.88:
                school = "in_school"
        education = _education(rng, age, birth_year, school)
        # labour
        severe = health == "serious" or (health == "disabled" and grade is not None and grade <= 2)
        if age < 16 or age >= 75 or school == "in_school" or severe:
            labour = "none"
        elif age >= 65 or health in ("chronic", "disabled") or (age >= 60 and r() < 0.7):
            labour = "weak"
        else:
            labour = "skilled" if r() < (0.12 if exited else 0.2) else "ordinary"
        months = 0
        place = ""
        if labour in ("ordinary", "skilled") and age < 60:
            if r() < (0.5 if exited else 0.62):
                place = _PLACES[_pick((0.35, 0.7, 1.0), r())]
                months = 12 if r() < 0.45 else 6 + int(r() * 6)
            elif r() < 0.85:  # local work: construction, factories, the cooperatives
                place, months = "in_county", 4 + int(r() * 8)
        elif labour == "weak" and age < 70 and r() < 0.3:
            place, months = "in_county", 2 + int(r() * 5)
        insured = r() < (0.999 if exited else 0.985)
        critical = insured and r() < 0.995
        doctor = r() < (0.97 if exited else (0.6 if health != "healthy" or age >= 65 else 0.25))
        return [
            hid, name, id_number, sex, birth, relation, education, school, health, grade, labour,
            months, place, insured, critical, doctor, False, False,
        ]  # fmt: skip

    # -- income and spending

    def _incomes(
        self, rng: random.Random, hid: int, members: list[list[Any]], exited: bool, head_age: int
    ) -> int:
        """Income lines of `INCOME_YEAR` by the four kinds (yuan → fen); returns per-capita net."""
        r = rng.random
        wage = business = cost = prop = transfer = 0
        medical = education = 0
        home_workers = 0
        migrant = False
        for m in members:
            age = AS_OF.year - m[4].year
            labour, months, place, health = m[10], m[11], m[12], m[8]
            if months:
                low, high = _MONTHLY_WAGE[place]
                monthly = low + r() * (high - low)
                if labour == "skilled":
                    monthly *= 1.3
                if exited:
                    monthly *= 0.85
                wage += int(months * monthly)
                migrant = migrant or place != "in_county" or months >= 10
            if labour != "none" and months < 10 and 16 <= age < 75:
                home_workers += 1
            if age >= 60:
                transfer += 1900 + int(r() * 1300)  # resident basic pension
            if m[17]:
                transfer += 10_200 + int(r() * 1300)  # 特困供养
            elif m[16]:
                transfer += int((520 + r() * 160) * 12 * (0.5 + r() * 0.5))  # 低保 top-up
            if health == "disabled" and m[9] is not None and (m[9] <= 2 or m[16]):
                transfer += 1200 if m[9] > 2 else 2400  # disability allowances
            if health == "chronic":
                medical += 300 + int(r() * 2200)
            elif health == "serious":
                medical += int((3000 + r() * 17000) * (0.5 if exited else 1.0))
            elif health == "disabled" and r() < 0.3:
                medical += 200 + int(r() * 1300)
            if m[7] == "in_school" and age >= 15:
                education += 1500 + int(r() * 3500)
        # farming: 青菜头 and other crops on 1–4.5 mu per worker at home (2 at most)
        mu = 0.0
        if home_workers:
            mu = (1.0 + r() * 3.5) * min(home_workers, 2)
            business += int(mu * (2000 + r() * 2000))
            cost += int(mu * (700 + r() * 600))
            if r() < 0.25:
                livestock = 3000 + int(r() * 12000)
                business += livestock
                cost += int(livestock * (0.55 + r() * 0.2))
        elif r() < 0.5:
            mu = r()
            garden = 500 + int(r() * 1500)
            business += garden
            cost += garden // 5
        transfer += int(mu * 100)  # 耕地地力保护补贴
        if r() < (0.35 if exited else 0.2):
            prop += 300 + int(r() * (1500 if exited else 2500))  # land rent, 三变 dividends
        if exited and r() < 0.25 and any(m[10] == "weak" for m in members):
            wage += 5000 + int(r() * 2200)  # public-welfare job (公益岗)
        if exited and r() < 0.6:
            transfer += 500 + int(r() * 2000)  # industry subsidies to exited households
        elders = sum(1 for m in members if AS_OF.year - m[4].year >= 60)
        if head_age >= 60:
            # support from children living elsewhere (赡养费, remittances)
            support = (3000 + r() * 8000) * (0.8 if exited else 1.0) * (0.3 if migrant else 1.0)
            transfer += int(support) * max(1, elders)
        size = len(members)
        # Families, relatives and temporary relief (临时救助) carry most households that the
        # above leaves under the monitoring line; exited households less often, so the low tail
        # is concentrated among them.
        net = wage + business - cost + prop + transfer
        if net * 100 < MONITORING_LINE_FEN * size and r() < (0.45 if exited else 0.8):
            transfer += int((8200 + r() * (2800 if exited else 3800)) * size) - net
        lines = (("wage", wage, 0, "务工收入"), ("business", business, cost, "种养殖（青菜头等）"),
                 ("property", prop, 0, "土地流转租金、入股分红"),
                 ("transfer", transfer, 0, "养老金、低保、补贴、赡养费"))  # fmt: skip
        net = 0
        for kind, amount, kind_cost, source in lines:
            if amount or kind_cost:
                self.batch.incomes.append(
                    (hid, INCOME_YEAR, kind, amount * 100, kind_cost * 100, source)
                )
                net += (amount - kind_cost) * 100
        if medical:
            self.batch.spendings.append((hid, INCOME_YEAR, "medical", medical * 100, "合规自付"))
        if education:
            self.batch.spendings.append((hid, INCOME_YEAR, "education", education * 100, ""))
        return net // size

    # -- 两不愁三保障 and water

    def _facts(
        self,
        rng: random.Random,
        hid: int,
        plan: VillagePlan,
        exited: bool,
        size: int,
        head_age: int,
    ) -> None:
        r = rng.random
        u = r()
        # exited houses were all made safe during the campaign; a few hundred C/D elsewhere
        weak_house = 0.0001 if exited else (0.004 if size == 1 and head_age >= 70 else 0.0008)
        grade = (
            "D"
            if u < weak_house * 0.25
            else "C"
            if u < weak_house
            else ("A" if r() < (0.62 if exited else 0.55) else "B")
        )
        assessed: date | None = None
        if exited or grade in ("C", "D") or r() < 0.85:
            assessed = date.fromordinal(_ASSESSED_FROM + int(r() * _ASSESSED_DAYS))
        scarce = plan.scarce_water
        piped = r() < (0.85 if scarce else 0.94)
        low = 20 if scarce else 35
        litres = (15 + int(r() * (low - 15))) if r() < 0.004 else low + 5 + int(r() * 100)
        u = r()
        quality = (
            "failed" if u < 0.0015 else "unassessed" if u < 0.0045 else
            "lab_test" if u < (0.4 if not piped else 0.7) else "on_site"
        )  # fmt: skip
        trip = horizontal = vertical = 0
        if not piped:
            far = r() < 0.04
            trip = (21 + int(r() * 25)) if far else 3 + int(r() * 17)
            horizontal = (820 + int(r() * 800)) if far else 50 + int(r() * 700)
            vertical = (85 + int(r() * 60)) if far else int(r() * 70)
        u = r()
        outage = (
            0 if u < 0.7 else 1 + int(r() * 15) if u < 0.98 else
            16 + int(r() * 21) if u < 0.996 else 37 + int(r() * 40)
        )  # fmt: skip
        food = r() > 0.0002
        self.batch.facts.append(
            (hid, food, food, grade, assessed, litres, scarce, quality, piped, trip, horizontal,
             vertical, outage)
        )  # fmt: skip


_ASSESSED_FROM = date(2019, 1, 1).toordinal()
_ASSESSED_DAYS = date(2025, 12, 31).toordinal() - _ASSESSED_FROM


def _luhn(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def _education(rng: random.Random, age: int, birth_year: int, school: str) -> str:
    if age < 6:
        return "preschool"
    if age <= 11:
        return "primary"
    if age <= 14:
        return "junior"
    if age <= 17:
        return ("senior" if rng.random() < 0.65 else "vocational") if school else "junior"
    era = -1 if birth_year < 1955 else min(2, _era(birth_year))
    cum, levels = _EDU[era]
    return levels[_pick(cum, rng.random())]


_OLDER_PLAN = (
    "adult_child",
    "child_in_law",
    "grandchild",
    "grandchild",
    "adult_child",
    "grandchild",
)
_YOUNGER_PLAN = ("child", "child", "parent", "child", "parent", "child")


def _family(rng: random.Random, size: int) -> list[tuple[str, int, str]]:
    """(relation, age, sex) of each member, head first, with plausible ages."""
    r = rng.random
    if size == 1:
        head_age = int(rng.triangular(55, 92, 72)) if r() < 0.7 else 30 + int(r() * 30)
        head_sex = "F" if r() < 0.35 else "M"
    elif size == 2:
        head_age = int(rng.triangular(50, 88, 66)) if r() < 0.75 else 28 + int(r() * 27)
        head_sex = "F" if r() < 0.1 else "M"
    else:
        head_age = int(rng.triangular(27, 80, 50))
        head_sex = "F" if r() < 0.1 else "M"
    other = "F" if head_sex == "M" else "M"
    family = [("head", head_age, head_sex)]
    if size >= 2 and r() < (0.8 if size == 2 else 0.88):
        family.append(("spouse", max(20, head_age + int(r() * 9) - (6 if other == "F" else 2)),
                       other))  # fmt: skip
    # Heads from 56 on live with a grown child, the child's spouse and grandchildren; younger
    # heads with their children and their own parents.
    plan = _OLDER_PLAN if head_age >= 56 else _YOUNGER_PLAN
    child_age = 0
    first_child_sex = ""
    youngest = -1  # age of the youngest child or grandchild so far
    for relation in plan:
        if len(family) >= size:
            break
        if relation == "adult_child":
            age = max(16, head_age - 22 - int(r() * 12))
            sex = "M" if r() < 0.7 else "F"
            if not child_age:
                child_age, first_child_sex = age, sex
            family.append(("child", age, sex))
        elif relation == "child":
            age = (head_age - 22 - int(r() * 10)) if youngest < 0 else youngest - 2 - int(r() * 5)
            youngest = max(1, age)
            family.append(("child", youngest, "M" if r() < 0.52 else "F"))
        elif relation == "child_in_law":
            sex = "F" if first_child_sex != "F" else "M"
            family.append(("child_in_law", max(18, child_age + int(r() * 7) - 3), sex))
        elif relation == "grandchild":
            age = (child_age - 21 - int(r() * 10)) if youngest < 0 else youngest - 2 - int(r() * 4)
            youngest = max(1, age)
            family.append(("grandchild", youngest, "M" if r() < 0.52 else "F"))
        else:  # a parent of the head
            p_age = head_age + 22 + int(r() * 10)
            if p_age > 96:
                youngest = max(1, head_age - 24 - int(r() * 8))
                family.append(("child", youngest, "M" if r() < 0.52 else "F"))
            else:
                has_father = any(rel == "parent" and s == "M" for rel, _a, s in family)
                family.append(("parent", p_age, "F" if has_father or r() < 0.6 else "M"))
    return family


def generate_households(
    region_rows: Sequence[tuple[str, str]], *, seed: int, scale: float, first_id: int = 1
) -> Iterator[TownBatch]:
    """The district's households, one township unit at a time, numbered from `first_id`."""
    plans = plan_district(region_rows, seed=seed, scale=scale)
    next_id = first_id
    for town in plans:
        batch = _TownGenerator(town, len(plans), seed, next_id, first_id).run()
        next_id += town.total
        yield batch
