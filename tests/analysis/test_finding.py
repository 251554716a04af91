"""A finding of the audit (``analysis.finding``): how it prints, its record, money in messages."""

from __future__ import annotations

from fractions import Fraction

from kgkc_opt.analysis.finding import Finding, m


def test_a_finding_prints_its_severity_code_message_and_sources() -> None:
    f = Finding("error", "row-sum", "A.1: total 60 ≠ 50 + 5", ("Annex, row 3", "text p. 2"))
    assert str(f) == "[error] row-sum: A.1: total 60 ≠ 50 + 5 (Annex, row 3; text p. 2)"
    assert f.to_dict() == {"severity": "error", "code": "row-sum", "message": "A.1: total 60 ≠ 50 + 5",
                           "sources": ["Annex, row 3", "text p. 2"]}


def test_money_in_a_message_keeps_its_decimals_and_groups_thousands() -> None:
    assert m(24051) == "24,051"
    assert m(Fraction(1788, 100)) == "17.88"
    assert m(Fraction(1, 3)) == "0.3333"
    assert m(Fraction(-45, 2)) == "-22.5"
