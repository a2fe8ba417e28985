"""factory_boy factories for divisions: every derived column comes from the code, so a test
names a code and gets a division shaped like the services would make it."""

from __future__ import annotations

from datetime import date

import factory
from factory.django import DjangoModelFactory

from zhenxing.regions.domain import ParsedCode, parse_division_code
from zhenxing.regions.models import Division


def _kind(parsed: ParsedCode) -> str:
    if parsed.level == "village" and parsed.village_kind is not None:
        return parsed.village_kind.value
    if parsed.level == "town" and parsed.town_kind is not None:
        return parsed.town_kind.value
    return parsed.level.value


def _parent(code: str) -> Division | None:
    parent_code = parse_division_code(code).parent_code
    if parent_code is None:
        return None
    return Division.objects.filter(code=parent_code, valid_to__isnull=True).first()


class DivisionFactory(DjangoModelFactory[Division]):
    """`DivisionFactory(code="500102104201")`; the current parent, if saved, is linked."""

    class Meta:
        model = Division

    code = "500102"
    name = factory.Sequence(lambda n: f"区划{n}")
    level = factory.LazyAttribute(lambda o: parse_division_code(o.code).level.value)
    kind = factory.LazyAttribute(lambda o: _kind(parse_division_code(o.code)))
    parent = factory.LazyAttribute(lambda o: _parent(o.code))
    county_code = factory.LazyAttribute(lambda o: parse_division_code(o.code).county_code)
    town_code = factory.LazyAttribute(lambda o: parse_division_code(o.code).town_code)
    village_code = factory.LazyAttribute(lambda o: parse_division_code(o.code).village_code)
    valid_from = date(2016, 12, 31)
    valid_to = None
    illustrative = False


def division_tree(*codes: str) -> dict[str, Division]:
    """Create divisions parents-first (by code length) and return them by code."""
    return {
        code: DivisionFactory.create(code=code) for code in sorted(codes, key=lambda c: (len(c), c))
    }
