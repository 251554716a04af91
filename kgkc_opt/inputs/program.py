"""A khuyến công program as data: tasks, annual budget table, targets, legal support rules.

The frozen types. ``inputs.program_reader.program_from_dict`` builds them from what a YAML file
holds, checking everything (pure; reading files is the job of ``inputs.files``). The format is
documented in docs/program-format.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from kgkc_opt.inputs.areas import Geography
from kgkc_opt.inputs.eligibility import RulePack
from kgkc_opt.inputs.structure import Structure
from kgkc_opt.inputs.support_rules import SupportRule
from kgkc_opt.inputs.text import Text

if TYPE_CHECKING:
    import pandas as pd

FORMAT = "kgkc-program/1"
QUALIFIERS = ("exact", "about", "more_than", "at_least")
TASK_ID_RE = re.compile(r"^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$")
YEAR_RANGE_RE = re.compile(r"^\s*([0-9]{4})\s*[-–]\s*([0-9]{4})\s*$")
#: A year written as text: plain ASCII digits, at most 4 ("２０２１" and "²" are not years).
YEAR_TEXT_RE = re.compile(r"^\s*[0-9]{1,4}\s*$")


#: What a funding source is: the province's own budget (the model's local line: the ``budget``
#: scenario key, carry-over), another state source (national khuyến công funds, ...: a line of its
#: own), or the enterprises' contribution (co-funding: the ``cofunding`` key).
SOURCE_KINDS = ("local", "state", "enterprise")


@dataclass(frozen=True)
class FundingSource:
    """One funding source of a program: a column of its task table and of its annual table."""

    id: str
    name: Text
    kind: str
    source: str = ""


#: The sources of a program that names none: the two columns of Decision 2454's tables.
DEFAULT_SOURCES = (
    FundingSource("state", Text("Vốn ngân sách địa phương", "Local budget"), "local"),
    FundingSource("other", Text("Vốn khác (doanh nghiệp đối ứng)", "Other sources (co-funding)"), "enterprise"),
)


@dataclass(frozen=True)
class Cost:
    """A cost split, million VND: total = state (all state money, Vốn NS) + other (co-funding).

    ``extra``: the state money from sources other than the local budget (national khuyến công
    funds, ...), by source id; empty for a program with the two default sources. The local budget's
    part is ``state − Σ extra``."""

    total: Fraction
    state: Fraction
    other: Fraction
    extra: tuple[tuple[str, Fraction], ...] = ()

    @property
    def local(self) -> Fraction:
        """The local budget's part."""
        return self.state - sum((a for _, a in self.extra), Fraction(0))

    def amount(self, source: FundingSource) -> Fraction:
        """The part paid by ``source``."""
        if source.kind == "local":
            return self.local
        if source.kind == "enterprise":
            return self.other
        return dict(self.extra).get(source.id, Fraction(0))


@dataclass(frozen=True)
class Group:
    id: str
    name: Text
    source: str
    #: a short name for charts and narrow tables (optional; the full name is used without it)
    short_name: Text | None = None

    def label(self, lang: str = "vi", *, short: bool = False) -> str:
        """The group's name in ``lang``; its short name when ``short`` and the program gives one."""
        return (self.short_name if short and self.short_name is not None else self.name).get(lang)


@dataclass(frozen=True)
class Task:
    """One row of the task table."""

    id: str
    group: str
    name: Text
    unit: Text
    quantity: int
    cost: Cost
    years: tuple[int, ...]
    annual: bool
    years_text: str
    #: the lead and partner agencies (bilingual text; empty when the table gives none)
    lead: Text
    partner: Text
    support_rule: str
    source: str
    as_printed: Mapping[str, str] = field(default_factory=dict)
    #: a short name for charts and narrow tables (optional; the full name is used without it)
    short_name: Text | None = None
    #: a target range's minimum (``quantity: {min, max}``; ``quantity`` is the maximum), else None
    quantity_min: int | None = None
    #: where the task is organised (``inputs.areas``): a level and the regions or units named
    level: str | None = None
    areas: tuple[str, ...] = ()

    def label(self, lang: str = "vi", *, short: bool = False) -> str:
        """The task's name in ``lang``; its short name when ``short`` and the program gives one."""
        return (self.short_name if short and self.short_name is not None else self.name).get(lang)

    @property
    def quantity_text(self) -> str:
        """The quantity as the decision writes it: ``300–400`` for a range, else ``300``."""
        return quantity_text(self.quantity, self.quantity_min)

    @property
    def unit_local(self) -> Fraction:
        """Local budget per unit (the model's local line)."""
        return self.cost.local / self.quantity if self.quantity else Fraction(0)

    def unit_source(self, source: FundingSource) -> Fraction:
        """What ``source`` pays for one unit."""
        return self.cost.amount(source) / self.quantity if self.quantity else Fraction(0)

    @property
    def unit_cost(self) -> Fraction:
        """Total cost of one unit (c_t)."""
        return self.cost.total / self.quantity if self.quantity else Fraction(0)

    @property
    def unit_state(self) -> Fraction:
        """State money per unit (s_t; the local budget's unless the program has other state sources)."""
        return self.cost.state / self.quantity if self.quantity else Fraction(0)

    @property
    def unit_other(self) -> Fraction:
        """Co-funding per unit (c_t - s_t)."""
        return self.unit_cost - self.unit_state


@dataclass(frozen=True)
class YearBudget:
    """One row of the annual table; ``extra`` as in ``Cost`` (the other state sources' columns)."""

    year: int
    total: Fraction
    state: Fraction
    other: Fraction
    extra: tuple[tuple[str, Fraction], ...] = ()

    @property
    def local(self) -> Fraction:
        return self.state - sum((a for _, a in self.extra), Fraction(0))

    def amount(self, source: FundingSource) -> Fraction:
        return Cost(self.total, self.state, self.other, self.extra).amount(source)


def quantity_text(quantity: int, minimum: int | None, sep: str = "–") -> str:
    return f"{minimum}{sep}{quantity}" if minimum is not None else str(quantity)


@dataclass(frozen=True)
class Target:
    """A specific target of the program's text, mapped to the task rows it concerns."""

    id: str
    source: str
    text: Text
    quantity: int
    qualifier: str
    tasks: tuple[str, ...]
    unit_matches: bool
    #: a range's minimum (``quantity: {min, max}``; ``quantity`` is the maximum), else None
    quantity_min: int | None = None


@dataclass(frozen=True)
class Relation:
    """An expected relation between task quantities: Σ left <op> Σ right (checked by the audit)."""

    id: str
    source: str
    left: tuple[str, ...]
    op: str
    right: tuple[str, ...]
    text: Text
    #: enforced as a hard rule when planning (else checked by the audit only)
    enforce: bool = False


RELATION_OPS = ("<=", ">=", "==")
NOTE_SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class SourceNote:
    source: str
    text: str  # English (the audit's language); ``texts`` has both languages
    severity: str
    texts: Text | None = None


@dataclass(frozen=True)
class Program:
    """A whole program, as its decision states it (inconsistencies included)."""

    id: str
    title: Text
    province: str
    period: tuple[int, int]
    #: the decision (or, for an illustrative program, what it is built from), in both languages
    source_document: Text
    illustrative: bool
    stated_totals: Cost | None
    stated_totals_source: str
    annual_budget: Mapping[int, YearBudget]
    annual_budget_source: str
    annual_stated_total: Cost | None
    support_rules: Mapping[str, SupportRule]
    groups: tuple[Group, ...]
    tasks: tuple[Task, ...]
    targets: tuple[Target, ...]
    source_notes: tuple[SourceNote, ...]
    origin: str = ""
    relations: tuple[Relation, ...] = ()
    structure: Structure = field(default_factory=Structure)
    #: the funding sources, in the tables' column order (``DEFAULT_SOURCES`` unless declared)
    funding_sources: tuple[FundingSource, ...] = DEFAULT_SOURCES
    #: commune-level units and regions after the 2025 reform (empty when the file has none)
    geography: Geography = field(default_factory=Geography)
    #: who may be supported and who comes first, per legal text and date (``inputs.eligibility``)
    eligibility: tuple[RulePack, ...] = ()

    @property
    def sources_declared(self) -> bool:
        """Whether the program names its own sources (else the two columns state / other)."""
        return self.funding_sources != DEFAULT_SOURCES

    @property
    def extra_sources(self) -> tuple[FundingSource, ...]:
        """The state sources besides the local budget (each a money line of its own)."""
        return tuple(s for s in self.funding_sources if s.kind == "state")

    def source_named(self, source_id: str) -> FundingSource:
        for s in self.funding_sources:
            if s.id == source_id:
                return s
        raise KeyError(source_id)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.period[0], self.period[1] + 1))

    @property
    def task_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.tasks)

    def task(self, task_id: str) -> Task:
        for t in self.tasks:
            if t.id == task_id:
                return t
        raise KeyError(task_id)

    def group(self, group_id: str) -> Group:
        for g in self.groups:
            if g.id == group_id:
                return g
        raise KeyError(group_id)

    def tasks_frame(self) -> pd.DataFrame:
        """The task table as encoded: one row per task, indexed by task_id."""
        import pandas as pd

        rows = [
            {
                "task_id": t.id,
                "group": t.group,
                "name_vi": t.name.vi,
                "name_en": t.name.en,
                "unit": t.unit.vi,
                "quantity": t.quantity,
                "total": float(t.cost.total),
                "ns": float(t.cost.state),
                "other": float(t.cost.other),
                "years": " ".join(str(y) for y in t.years),
                "years_text": t.years_text,
                "support_rule": t.support_rule,
            }
            for t in self.tasks
        ]
        return pd.DataFrame(rows).set_index("task_id")

    def __repr__(self) -> str:
        return (
            f"<Program {self.id!r}: {len(self.tasks)} tasks in {len(self.groups)} groups, "
            f"{self.period[0]}–{self.period[1]}>"
        )


# ---------------------------------------------------------------------------------------------
