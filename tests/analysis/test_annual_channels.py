"""National and local money in the annual selection (``analysis.annual_channels``): the national
money that arrives, each step's candidates, why a national proposal is funded by neither, the
funded decisions by channel; on three proposals written here."""

from __future__ import annotations

from fractions import Fraction
from types import SimpleNamespace

from kgkc_opt.analysis.annual import Rules
from kgkc_opt.analysis.annual_channels import (
    LOCAL,
    NATIONAL,
    WHATIF_SHARES,
    by_channel,
    candidates_local,
    candidates_national,
    national_money,
    national_reason,
)
from kgkc_opt.model.selection import Candidate

A = Candidate("A", "II.1", "Tân Hội", "", 1, Fraction(600), Fraction(1300), Fraction(80))
B = Candidate("B", "II.2", "Ngọc Chúc", "", 1, Fraction(250), Fraction(250), Fraction(75))
C = Candidate("C", "IV.1", "Đông Hồ", "", 1, Fraction(35), Fraction(35), Fraction(66))
NATIONAL_IDS = {"A", "B"}


def test_the_national_money_is_the_envelope_or_the_approvals_times_what_arrives() -> None:
    assert national_money(Rules()) == 0
    assert national_money(Rules(national=Fraction(1000), national_share=Fraction(1, 2))) == 500
    approved = Rules(national=Fraction(1000), national_approved={"A": Fraction(400), "B": Fraction(150)})
    assert national_money(approved) == 550
    assert [share for share, _ in WHATIF_SHARES] == [1, Fraction(1, 2), 0]


def test_the_national_step_takes_national_proposals_at_their_approved_amounts() -> None:
    envelope = candidates_national([A, B, C], NATIONAL_IDS, Rules(national=Fraction(1000)))
    assert [c.fixed for c in envelope] == [None, None, False]  # a local proposal is out
    approved = candidates_national([A, B, C], NATIONAL_IDS, Rules(national_approved={"A": Fraction(400)}))
    a, b, _ = approved
    # A at its approved 400, the other 200 of its support left to co-funding, funded whatever
    assert (a.support, a.cofunding, a.fixed) == (400, 1500, True)
    assert b.fixed is False  # not approved
    half = candidates_national([A], NATIONAL_IDS, Rules(national_approved={"A": Fraction(400)},
                                                        national_share=Fraction(1, 2)))
    assert half[0].fixed is None  # half the money: to be chosen


def test_the_local_step_counts_the_nationally_funded_at_no_local_cost() -> None:
    out = candidates_local([A, B, C], NATIONAL_IDS, funded={"A"}, fallback=False)
    assert (out[0].support, out[0].fixed) == (0, True)
    assert out[1].fixed is False and out[2] == C
    assert candidates_local([A, B, C], NATIONAL_IDS, funded={"A"}, fallback=True)[1] == B


def test_why_a_national_proposal_is_funded_by_neither() -> None:
    code, text = national_reason(B, Rules(national_approved={"A": Fraction(400)}), Fraction(0))
    assert code == "national" and text.en.startswith("Not approved by the Ministry")
    assert national_reason(B, Rules(), Fraction(0))[1].en.startswith("No national money this year")
    text = national_reason(B, Rules(national=Fraction(600)), Fraction(100))[1]
    assert text.en.startswith("The national money of 600 million VND funds other national proposals "
                              "(100 left, it needs 250)")
    assert text.vi.startswith("Kinh phí quốc gia 600 triệu đồng") and text.en.endswith("(--national-fallback).")


def test_funded_decisions_by_channel() -> None:
    decisions = [SimpleNamespace(status="funded", source=NATIONAL), SimpleNamespace(status="not_funded", source=LOCAL),
                 SimpleNamespace(status="trimmed", source=LOCAL)]
    channels = by_channel(decisions)
    assert channels[NATIONAL] == [decisions[0]] and channels[LOCAL] == [decisions[2]]
