"""Loading the rules and parameters shipped with the system (used by the demo and by setup)."""

from __future__ import annotations

from pathlib import Path

from zhenxing.accounts.models import User
from zhenxing.screening.loader import parse_parameters
from zhenxing.screening.models import RuleSet
from zhenxing.screening.services import parameters_load, ruleset_create

RULES_DIR = Path(__file__).resolve().parent / "rules"
DEFAULT_RULES = RULES_DIR / "default.yaml"
DEFAULT_PARAMETERS = RULES_DIR / "parameters.yaml"


def install_defaults(*, actor: User | None, county_code: str, years: range) -> int:
    """Publish the default rule set for each year that has none, and load the parameters.

    Returns the number of rule sets created. Existing versions are never touched.
    """
    created = 0
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    for year in years:
        if not RuleSet.objects.filter(year=year, region_code=county_code).exists():
            ruleset_create(
                actor=actor,
                year=year,
                region_code=county_code,
                text=text,
                note="系统默认规则 shipped default",
                publish=True,
            )
            created += 1
    specs = [
        s
        for s in parse_parameters(DEFAULT_PARAMETERS.read_text(encoding="utf-8"))
        if s.region_code == county_code
    ]
    parameters_load(actor=actor, specs=specs)
    return created
