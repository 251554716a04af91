"""Unit costs within the legal caps (kgkc_opt/inputs/costs.py): the one legal-cap formula, and the
places that use it agree with it."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from fractions import Fraction

from kgkc_opt.inputs.costs import legal_cap
from kgkc_opt.inputs.support_rules import SupportRule
from kgkc_opt.inputs.text import Text


def _rule(share: str, per_unit: int | None, **dates: dt.date) -> SupportRule:
    return SupportRule("r", Text("r", "r"), Fraction(share), None if per_unit is None else Fraction(per_unit),
                       "a citation", "stated", **dates)


def test_the_cap_is_the_smaller_of_the_share_and_the_per_unit_amount_for_every_unit():
    rule = _rule("1/2", 300)
    assert legal_cap(rule, Fraction(400)) == 200            # the share binds
    assert legal_cap(rule, Fraction(1000)) == 300           # the per-unit amount binds
    assert legal_cap(rule, Fraction(1000), 3) == 500        # three units: 900 allowed, the share binds
    assert legal_cap(rule, Fraction(3000), 3) == 900
    assert legal_cap(_rule("3/10", None), Fraction(1000), 7) == 300  # no per-unit cap: the share alone


def test_the_version_in_force_in_a_year_is_what_a_dated_rule_caps():
    old = _rule("1/2", 300, valid_to=dt.date(2025, 12, 31))
    new = _rule("1/2", 200, valid_from=dt.date(2026, 1, 1))
    rule = replace(old, versions=(new,))
    assert legal_cap(rule.for_year(2025), Fraction(1000)) == 300
    assert legal_cap(rule.for_year(2026), Fraction(1000)) == 200
