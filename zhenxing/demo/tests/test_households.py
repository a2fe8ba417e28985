"""The demo district's households: deterministic, valid, plausible, loaded with history."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from zhenxing.accounts.models import User
from zhenxing.core.crypto import blind_index, decrypt
from zhenxing.core.idnumbers import validate_id
from zhenxing.demo.households import (
    AS_OF,
    COUNTY_CODE,
    INCOME_YEAR,
    NAMED_HOUSEHOLDS,
    HouseholdRow,
    MemberRow,
    NamedHousehold,
    TownBatch,
    _IdAllocator,
    demo_households_load,
    generate_households,
    plan_district,
)
from zhenxing.demo.regions import demo_region_rows
from zhenxing.households.domain import compulsory_school_age
from zhenxing.households.models import (
    BANK_CONTEXT,
    ID_CONTEXT,
    PHONE_CONTEXT,
    CadrePairing,
    Household,
    HouseholdFacts,
    IncomeLine,
    Member,
    SpendingLine,
)

SEED = 2021
SMALL = 0.01
ROWS = demo_region_rows(seed=SEED, scale=SMALL)
BATCHES = list(generate_households(ROWS, seed=SEED, scale=SMALL))
HOUSEHOLDS = [h for b in BATCHES for h in b.households]
MEMBERS = [m for b in BATCHES for m in b.members]
NAMES = dict(ROWS)
# A larger district for the shares (a 1 % district has only ~170 exited households).
SHARES = list(generate_households(demo_region_rows(seed=SEED, scale=0.05), seed=SEED, scale=0.05))


def _village_code(town: str, village: str, rows: list[tuple[str, str]] = ROWS) -> str:
    names = dict(rows)
    return next(c for c, n in rows if len(c) == 12 and n == village and names[c[:9]] == town)


def _deng() -> HouseholdRow:
    village = _village_code("珍溪镇", "石牛村")
    return next(h for h in HOUSEHOLDS if h[6] == "邓明福" and h[2][:12] == village)


# ---------------------------------------------------------------- the pure generator


def test_same_seed_and_scale_give_identical_rows_and_another_seed_others() -> None:
    again = list(generate_households(ROWS, seed=SEED, scale=SMALL))
    other = list(generate_households(ROWS, seed=SEED + 1, scale=SMALL))

    assert again == BATCHES
    assert [b.members for b in other] != [b.members for b in BATCHES]


def test_the_rows_do_not_depend_on_the_first_household_id() -> None:
    # given: the same district, numbered from another first household id
    shifted = list(generate_households(ROWS, seed=SEED, scale=SMALL, first_id=1001))

    # then: the same households and people (names, IDs, phones); only the ids moved
    assert [m[1:] for b in shifted for m in b.members] == [m[1:] for m in MEMBERS]
    assert [h[1:] for b in shifted for h in b.households] == [h[1:] for h in HOUSEHOLDS]
    assert shifted[0].households[0][0] == 1001


def test_counts_are_near_the_scaled_targets() -> None:
    exited = sum(1 for h in HOUSEHOLDS if h[3] == "exited")

    assert abs(len(HOUSEHOLDS) - 3000) <= 30
    assert 2.9 <= len(MEMBERS) / len(HOUSEHOLDS) <= 3.3
    assert 160 <= exited <= 180
    assert all(h[9] == n for h, n in zip(HOUSEHOLDS, _sizes(BATCHES), strict=True))


def _sizes(batches: list[TownBatch]) -> list[int]:
    counts = Counter(m[0] for b in batches for m in b.members)
    return [counts[h[0]] for b in batches for h in b.households]


def test_full_scale_plan_matches_the_article() -> None:
    # given: the plan only (cheap), at full scale
    rows = demo_region_rows(seed=SEED, scale=1)
    plans = plan_district(rows, seed=SEED, scale=1)
    villages = [v for t in plans for v in t.villages]

    # then: 300,000 households, 17,000 exited, 797 of them in 大顺乡, 63 poor villages
    assert sum(v.total for v in villages) == 300_000
    assert sum(v.exited for v in villages) == 17_000
    assert sum(v.exited for t in plans if t.name == "大顺乡" for v in t.villages) == 797
    assert sum(v.poor for v in villages) == 63


def test_every_id_number_is_valid_unique_and_agrees_with_the_member() -> None:
    ids = [m[2] for m in MEMBERS]

    assert len(set(ids)) == len(ids)
    for m in MEMBERS:
        parsed = validate_id(m[2], today=date(INCOME_YEAR, 12, 31))
        assert parsed.birth_date == m[4]
        assert parsed.sex == m[3]
        assert parsed.area_code[:4] in ("5001", "5002")
    assert Counter(m[2][:6] for m in MEMBERS).most_common(1)[0][0] == COUNTY_CODE


def test_id_sequence_codes_never_collide_even_when_a_birthday_runs_out_of_them() -> None:
    # given: two of 27 towns, each allocating 30 men born on the same day in the same area
    day = date(1970, 5, 17).toordinal()
    numbers: list[str] = []
    shifted: list[int] = []
    for town_index in (0, 26):
        allocator = _IdAllocator(town_index, 27)
        for _ in range(30):
            number, birth = allocator.allocate(COUNTY_CODE, day, male=True)
            numbers.append(number)
            shifted.append(day - birth)

    # then: all valid, male, unique; beyond a town's share of odd codes (19 for the first town,
    # 18 for the last), the person is born a day earlier
    assert len(set(numbers)) == len(numbers)
    assert all(validate_id(n).sex == "M" for n in numbers)
    assert shifted.count(0) == 19 + 18
    assert set(shifted) == {0, 1}


def test_household_numbers_are_group_code_plus_sequence_and_unique() -> None:
    numbers = [h[1] for h in HOUSEHOLDS]

    assert len(set(numbers)) == len(numbers)
    for h in HOUSEHOLDS:
        assert len(h[1]) == 19
        assert h[1][:15] == h[2]
        assert h[1][15:].isdigit()
        assert NAMES[h[2]].endswith("组")


def test_phones_and_bank_accounts_are_plausible_and_unique() -> None:
    phones = [h[7] for h in HOUSEHOLDS if h[7]]
    banks = [h[8] for h in HOUSEHOLDS if h[8]]

    assert 0.8 < len(phones) / len(HOUSEHOLDS) < 1
    assert len(set(phones)) == len(phones)
    assert all(len(p) == 11 and p[0] == "1" and p.isdigit() for p in phones)
    assert len(set(banks)) == len(banks)
    assert all(16 <= len(b) <= 19 and b.isdigit() for b in banks)


@pytest.mark.parametrize("spec", NAMED_HOUSEHOLDS, ids=lambda n: n.members[0].name)
def test_households_named_in_the_article_sit_in_their_villages(spec: NamedHousehold) -> None:
    village = _village_code(spec.town, spec.village)
    found = [h for h in HOUSEHOLDS if h[6] == spec.members[0].name and h[2][:12] == village]

    assert len(found) == 1
    household = found[0]
    assert household[1].endswith("0001")
    assert household[3] == ("general" if spec.exit_year is None else "exited")
    members = {m[1] for m in MEMBERS if m[0] == household[0]}
    assert members == {m.name for m in spec.members}


def test_deng_mingfu_lives_in_group_6_of_shiniu_and_xinxing_has_households() -> None:
    deng = _deng()
    xinxing = _village_code("大顺乡", "新兴村")

    assert deng[2] == _village_code("珍溪镇", "石牛村") + "006"
    assert NAMES[deng[2]] == "六组"
    assert any(h[2].startswith(xinxing) for h in HOUSEHOLDS)


def test_shares_are_plausible() -> None:
    # given
    households = [h for b in SHARES for h in b.households]
    members = [m for b in SHARES for m in b.members]
    exited_ids = {h[0] for h in households if h[3] == "exited"}
    per_capita = [(e, pc) for b in SHARES for e, pc in b.per_capita]

    def disabled_share(rows: list[MemberRow]) -> float:
        return sum(1 for m in rows if m[8] == "disabled") / len(rows)

    exited_members = [m for m in members if m[0] in exited_ids]

    # then: 脱贫户 ≈ 5.7 % of households, people ≈ 3.5 per exited household
    assert 0.05 <= len(exited_ids) / len(households) <= 0.065
    assert 3.2 <= len(exited_members) / len(exited_ids) <= 3.8
    # disability ≈ 6 %, about twice as common in exited households
    assert 0.045 <= disabled_share(members) <= 0.075
    assert disabled_share(exited_members) > 1.5 * disabled_share(members)
    # children of compulsory-school age are nearly all in school; the few others have a status
    school_age = [m for m in members if compulsory_school_age(m[4], AS_OF)]
    assert all(m[7] for m in school_age)
    assert sum(1 for m in school_age if m[7] == "in_school") / len(school_age) > 0.99
    # median net income per person 18,000–21,000 yuan; few below 8,000, mostly exited ones
    assert 1_800_000 <= statistics.median(pc for _e, pc in per_capita) <= 2_100_000
    below = [e for e, pc in per_capita if pc < 800_000]
    assert len(below) / len(per_capita) < 0.03
    exited_rate = sum(below) / len(exited_ids)
    general_rate = (len(below) - sum(below)) / (len(households) - len(exited_ids))
    assert exited_rate > 2 * general_rate
    # housing: C/D are rare; disability grades only for the disabled
    grades = Counter(f[3] for b in SHARES for f in b.facts)
    assert (grades["C"] + grades["D"]) / len(households) < 0.005
    assert all((m[9] is not None) == (m[8] == "disabled") for m in members)


def test_income_lines_are_for_the_latest_full_year_and_never_negative() -> None:
    incomes = [i for b in BATCHES for i in b.incomes]

    assert {i[1] for i in incomes} == {INCOME_YEAR}
    assert {i[2] for i in incomes} <= {"wage", "business", "property", "transfer"}
    assert all(i[3] >= 0 and i[4] >= 0 for i in incomes)
    assert all(i[4] == 0 for i in incomes if i[2] != "business")


# ---------------------------------------------------------------- the load


def _build(*args: str) -> str:
    out = StringIO()
    call_command("demo", "--no-serve", "--scale", str(SMALL), *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_loads_the_generated_households_with_sealed_personal_data() -> None:
    # when
    output = _build()

    # then: the rows of the pure generator, encrypted with a matching blind index
    assert Household.objects.filter(county_code=COUNTY_CODE).count() == len(HOUSEHOLDS)
    assert Member.objects.count() == len(MEMBERS)
    assert HouseholdFacts.objects.count() == len(HOUSEHOLDS)
    assert IncomeLine.objects.count() == sum(len(b.incomes) for b in BATCHES)
    assert SpendingLine.objects.count() == sum(len(b.spendings) for b in BATCHES)
    plain = {m[2] for m in MEMBERS}
    for member in Member.objects.order_by("?")[:200]:
        number = decrypt(member.id_cipher, context=ID_CONTEXT)
        assert number in plain
        assert member.id_index == blind_index(number, context=ID_CONTEXT)
        assert member.name_pinyin
        assert member.name_initials
    for household in Household.objects.exclude(phone_cipher="").order_by("?")[:50]:
        phone = decrypt(household.phone_cipher, context=PHONE_CONTEXT)
        assert household.phone_index == blind_index(phone, context=PHONE_CONTEXT)
    bank = Household.objects.exclude(bank_cipher="").first()
    assert bank is not None
    assert decrypt(bank.bank_cipher, context=BANK_CONTEXT).isdigit()
    assert "脱贫户 exited households" in output


@pytest.mark.django_db
def test_values_survive_the_round_trip_through_the_database() -> None:
    # given
    _build()
    deng = _deng()

    # when
    household = Household.objects.get(household_no=deng[1])

    # then
    assert (household.category, household.exit_year, household.member_count) == (
        "exited",
        deng[4],
        deng[9],
    )
    assert household.town_code == deng[2][:9]
    assert household.village_code == deng[2][:12]
    expected = sorted((m[1], m[4], m[5], m[8], m[9]) for m in MEMBERS if m[0] == deng[0])
    got = sorted(
        household.members.values_list("name", "birth_date", "relation", "health",
                                      "disability_grade")
    )  # fmt: skip
    assert got == expected
    income = {i[2]: (i[3], i[4]) for b in BATCHES for i in b.incomes if i[0] == deng[0]}
    assert {
        line.kind: (int(line.amount * 100), int(line.cost * 100))
        for line in household.incomes.all()
    } == income
    assert household.facts.house_grade in "AB"


@pytest.mark.django_db
def test_a_household_registered_after_the_demo_gets_a_fresh_id() -> None:
    # given: the demo inserted households with explicit ids (PostgreSQL: identity sequence)
    _build()
    highest = Household.objects.order_by("-id").values_list("id", flat=True)[0]

    # when
    household = Household.objects.create(
        household_no="5001021042010019999",
        group_code="500102104201001",
        county_code=COUNTY_CODE,
        town_code="500102104",
        village_code="500102104201",
        category="general",
        head_name="新户",
    )

    # then
    assert household.id > highest


@pytest.mark.django_db
def test_every_loaded_row_has_its_first_history_version() -> None:
    _build()

    for model in (Household, Member, HouseholdFacts, IncomeLine, SpendingLine):
        history = model.history
        assert history.count() == model.objects.count()
        assert set(history.values_list("history_type", "history_change_reason").distinct()) == {
            ("+", "demo")
        }
        assert set(history.values_list("id", flat=True)) == set(
            model.objects.values_list("id", flat=True)
        )
    version = Household.history.get(household_no=HOUSEHOLDS[0][1])
    assert version.head_name == HOUSEHOLDS[0][6]
    assert version.history_date is not None


@pytest.mark.django_db
def test_the_demo_cadre_has_pairings_in_shiniu() -> None:
    _build()
    cadre = User.objects.get(username="cadre.shiniu")

    pairings = CadrePairing.objects.filter(cadre=cadre, until__isnull=True)

    assert 1 <= pairings.count() <= 5
    village = _village_code("珍溪镇", "石牛村")
    assert {p.household.village_code for p in pairings} == {village}
    assert pairings.filter(household__household_no=_deng()[1]).exists()
    assert CadrePairing.history.filter(cadre=cadre).count() == pairings.count()


@pytest.mark.django_db
def test_running_demo_again_does_not_duplicate_households() -> None:
    # given
    _build()
    counts = (Household.objects.count(), Member.objects.count(), CadrePairing.objects.count())

    # when
    output = _build()

    # then
    assert (
        Household.objects.count(),
        Member.objects.count(),
        CadrePairing.objects.count(),
    ) == counts
    assert "households already exist" in output


@pytest.mark.django_db
def test_bulk_load_with_a_worker_process_keeps_the_schema_and_the_same_rows() -> None:
    # given: the indexes of the registry before the load
    def indexes() -> dict[str, dict[str, object]]:
        with connection.cursor() as cursor:
            return {
                table: {
                    name: (c["columns"], c["unique"], c["index"])
                    for name, c in connection.introspection.get_constraints(cursor, table).items()
                }
                for table in (Member._meta.db_table, Household._meta.db_table,
                              Member.history.model._meta.db_table)
            }  # fmt: skip

    before = indexes()

    # when: with one forked worker (on SQLite the indexes are dropped and rebuilt)
    report = demo_households_load(region_rows=ROWS, seed=SEED, scale=SMALL, workers=1)

    # then
    assert indexes() == before
    assert report.households == len(HOUSEHOLDS) == Household.objects.count()
    assert sorted(Member.objects.values_list("name", "birth_date")) == sorted(
        (m[1], m[4]) for m in MEMBERS
    )
    assert report.exited_households == sum(1 for h in HOUSEHOLDS if h[3] == "exited")
