"""The annual plan's result folder (``kgkc-opt annual --out DIR``) and the command that makes it.

``annual_files(result, scenario, options, extra=...)`` gives the folder's files:

``selection.csv``     one row per proposal (``analysis.annual.SELECTION_COLUMNS``), money exact
``by_task.csv``       per task: planned units for the year, proposals, funded units and money
``by_commune.csv``    per commune and region: proposals, funded, support
``changes.csv``       with an earlier selection (``--previous``): each proposal whose status changed
``annual-plan.xlsx``  the tables as a workbook (``report.annual_workbook``)
``annual-plan.docx``  the brief an official can send (``report.annual_brief``)
``summary.json``      the figures, the rules, the reserve list, and the record ``kgkc-opt reproduce DIR`` re-runs

``AnnualOptions`` is the command as recorded in summary.json (``command()``) and read back from it
(``parse_command``, which refuses anything but the options of ``annual``: a record never makes
``reproduce`` write elsewhere). The words follow ``--lang``; the CSV columns and status codes do not.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from kgkc_opt.analysis.annual_study import YEAR_PLANS, AnnualResult, AnnualStudy, changes_of, summary
from kgkc_opt.errors import InputError, Problem
from kgkc_opt.inputs.document_settings import DocumentSettings
from kgkc_opt.inputs.reader import MAX_MONEY, exact_number
from kgkc_opt.inputs.scenario import Scenario
from kgkc_opt.model.selection import RULES
from kgkc_opt.report import fmt
from kgkc_opt.report.annual_tables import counts, csv_files, exact
from kgkc_opt.solver.status import Status

WORKBOOK = "annual-plan.xlsx"
BRIEF = "annual-plan.docx"
SUMMARY = "summary.json"
#: The options of ``annual`` a recorded command may hold, each followed by its value ...
VALUE_OPTIONS = ("--year", "--program", "--scenario", "--lang", "--max-per-commune", "--min-per-region", "--budget",
                 "--previous", "--sheet", "--rule", "--year-plan", "--national-envelope", "--national-approved",
                 "--document-settings")
#: ... and those without one.
FLAG_OPTIONS = ("--no-cofunding-cap", "--check-extra", "--national-fallback", "--national-what-if")


@dataclass(frozen=True)
class AnnualOptions:
    """What ``kgkc-opt annual`` was asked (paths as given: relative to the folder it ran from)."""

    proposals: str
    year: int
    program: str | None = None
    scenario: str | None = None
    lang: str = "vi"
    max_per_commune: int | None = None
    min_per_region: int = 0
    cap_cofunding: bool = True
    budget: Fraction | None = None
    previous: str | None = None
    check_extra: bool = False
    #: the sheet of an .xlsx proposals file to read (``--sheet``; None: the only visible one)
    sheet: str | None = None
    #: the selection rule after progress (``analysis.annual.Rules.rule``)
    rule: str = "merit"
    #: how the year's plan frames the selection (``analysis.annual.Rules.year_plan``)
    year_plan: str = "reserve"
    #: the national money for the national proposals (million VND)
    national: Fraction | None = None
    #: the Ministry's approvals (a CSV: proposal_id, approved)
    national_approved: str | None = None
    national_fallback: bool = False
    #: select again with the national money half and absent, and say what changes
    national_whatif: bool = False
    #: the document's issuing body, number, date, signer, draft status (``--document-settings``)
    document_settings: str | None = None

    def command(self) -> list[str]:
        """The ``kgkc-opt`` arguments that make the folder again (without ``--out``)."""
        out = ["annual", self.proposals, "--year", str(self.year)]
        out += ["--scenario", self.scenario] if self.scenario is not None else ["--program", self.program or ""]
        out += ["--lang", self.lang]
        if self.max_per_commune is not None:
            out += ["--max-per-commune", str(self.max_per_commune)]
        if self.min_per_region:
            out += ["--min-per-region", str(self.min_per_region)]
        if not self.cap_cofunding:
            out.append("--no-cofunding-cap")
        if self.budget is not None:
            out += ["--budget", exact(self.budget)]
        if self.previous is not None:
            out += ["--previous", self.previous]
        if self.check_extra:
            out.append("--check-extra")
        if self.sheet is not None:
            out += ["--sheet", self.sheet]
        if self.rule != "merit":
            out += ["--rule", self.rule]
        if self.year_plan != "reserve":
            out += ["--year-plan", self.year_plan]
        if self.national is not None:
            out += ["--national-envelope", exact(self.national)]
        if self.national_approved is not None:
            out += ["--national-approved", self.national_approved]
        if self.national_fallback:
            out.append("--national-fallback")
        if self.national_whatif:
            out.append("--national-what-if")
        if self.document_settings is not None:
            out += ["--document-settings", self.document_settings]
        return out

    def rules(self) -> dict[str, Any]:
        return {"max_per_commune": self.max_per_commune, "min_per_region": self.min_per_region,
                "cap_cofunding": self.cap_cofunding, "budget": None if self.budget is None else exact(self.budget),
                "check_extra": self.check_extra, "rule": self.rule, "year_plan": self.year_plan,
                **({"national": None if self.national is None else exact(self.national),
                    "national_approved": self.national_approved, "national_fallback": self.national_fallback,
                    "national_whatif": self.national_whatif}
                   if self.national is not None or self.national_approved is not None else {})}


def whole(text: str, least: int) -> int:
    """A whole number of at least ``least`` (ValueError otherwise)."""
    value = int(text.strip())
    if value < least:
        raise ValueError(f"expected a whole number of at least {least}, got {text!r}")
    return value


def amount(text: str) -> Fraction:
    """Million VND as written, exact, at least 0 and to the đồng at most, bounded as every money input
    (``inputs.reader.exact_number`` and ``MAX_MONEY``); ValueError otherwise."""
    value = exact_number(text.strip()[:100])
    if isinstance(value, str) and "beyond" in value:
        value = Fraction(MAX_MONEY + 1)  # (refused below with the range)
    if isinstance(value, str) or len(text.strip()) > 100:
        raise ValueError(f"expected an amount in million VND such as 3295.3, to the đồng (6 decimals at most), got "
                         f"{text[:40]!r}{'...' if len(text) > 40 else ''}" + (f": it {value}" if isinstance(value, str)
                                                                              and value != "is not a number" else ""))
    if value < 0 or value > MAX_MONEY:
        raise ValueError(f"expected an amount from 0 to {MAX_MONEY:,} million VND (amounts are in million VND, triệu "
                         f"đồng), got {text!r}")
    return value


def parse_command(command: Sequence[Any], label: str) -> AnnualOptions:
    """The options of a recorded ``annual`` command; InputError listing what is wrong with it."""
    def bad(message: str) -> InputError:
        return InputError([Problem(label, "command", message)])

    if not (len(command) >= 2 and command[0] == "annual" and all(isinstance(a, str) for a in command)):
        raise bad("expected the recorded command [\"annual\", PROPOSALS, \"--year\", YEAR, ...]")
    values: dict[str, str] = {}
    flags: set[str] = set()
    rest = list(command[2:])
    problems = []
    while rest:
        flag = rest.pop(0)
        if flag in FLAG_OPTIONS:
            flags.add(flag)
        elif flag in VALUE_OPTIONS and rest and flag not in values:
            values[flag] = rest.pop(0)
        else:
            problems.append(Problem(label, "command", "expected annual PROPOSALS with only the options "
                                                      "{value_options}, got {command}",
                                                      {"value_options": ', '.join(VALUE_OPTIONS + FLAG_OPTIONS),
                                                      "command": ' '.join(command)}))
            break
    if "--year" not in values:
        problems.append(Problem(label, "command", "the recorded command has no --year"))
    if ("--program" in values) == ("--scenario" in values):
        problems.append(Problem(label, "command", "the recorded command names neither or both of --program and "
                                "--scenario"))
    if values.get("--lang", "vi") not in fmt.LANGS:
        problems.append(Problem(label, "command", "--lang {lang}: expected vi or en", {"lang": values['--lang']}))
    for flag, allowed in (("--rule", RULES), ("--year-plan", YEAR_PLANS)):
        if values.get(flag, allowed[0]) not in allowed:
            problems.append(Problem(label, "command", "{flag} {value}: expected {allowed}", {"flag": flag,
                                                      "value": values[flag], "allowed": ' or '.join(allowed)}))
    parsed: dict[str, Any] = {}
    for flag, key, read in (("--year", "year", lambda s: whole(s, 1)),
                            ("--max-per-commune", "max_per_commune", lambda s: whole(s, 1)),
                            ("--min-per-region", "min_per_region", lambda s: whole(s, 0)),
                            ("--budget", "budget", amount), ("--national-envelope", "national", amount)):
        if flag in values:
            try:
                parsed[key] = read(values[flag])
            except ValueError as exc:
                problems.append(Problem(label, "command", "{flag}: {exc}", {"flag": flag, "exc": exc}))
    if problems:
        raise InputError(problems)
    return AnnualOptions(command[1], program=values.get("--program"), scenario=values.get("--scenario"),
                         lang=values.get("--lang", "vi"), cap_cofunding="--no-cofunding-cap" not in flags,
                         previous=values.get("--previous"), check_extra="--check-extra" in flags,
                         sheet=values.get("--sheet"),
                         rule=values.get("--rule", "merit"), year_plan=values.get("--year-plan", "reserve"),
                         national_approved=values.get("--national-approved"),
                         national_fallback="--national-fallback" in flags,
                         national_whatif="--national-what-if" in flags,
                         document_settings=values.get("--document-settings"),
                         **parsed)


def summary_record(result: AnnualResult, options: AnnualOptions, extra: Mapping[str, Any] | None = None
                   ) -> dict[str, Any]:
    """summary.json: the result's figures (money as exact decimals), the rules and ``extra`` (the
    inputs with their SHA-256, the command, the versions)."""
    record = summary(result)
    local, cof = result.spent
    n = counts(result)
    record.update(budget=exact(result.budget), cofunding=None if result.cofunding is None else exact(result.cofunding),
                  spent=exact(local), cofunding_spent=exact(cof), left=exact(result.budget - local),
                  trimmed=n["trimmed"], rules=options.rules(), lang=options.lang)
    if result.message and result.message != "optimal":
        record["message"] = result.message
    if result.previous is not None:
        record["changes"] = len(changes_of(result))
    if result.national is not None:
        record.update(national=exact(result.national), national_spent=exact(result.spent_national))
    if result.rules.year_plan == "reserve":
        record.update(reserve=[{"step": s.step, "proposal_id": s.proposal_id, "task_id": s.task_id,
                                "cost": exact(s.cost), "left": exact(s.left), "source": s.source}
                               for s in result.reserve],
                      reserve_cost=exact(sum((s.cost for s in result.reserve if s.source == "local"), Fraction(0))))
    return record | dict(extra or {})


def annual_files(study: AnnualStudy, scenario: Scenario, options: AnnualOptions, *,
                 extra: Mapping[str, Any] | None = None, settings: DocumentSettings | None = None,
                 ) -> dict[str, str | bytes]:
    """The result folder's files (only summary.json when the rules cannot all hold); ``settings``:
    the Word document's issuing details (blanks to fill in by hand where None)."""
    result = study.result
    files: dict[str, str | bytes] = {
        SUMMARY: json.dumps(summary_record(result, options, extra), indent=2, ensure_ascii=False) + "\n"}
    if result.status != Status.OPTIMAL:
        return files
    from kgkc_opt.report import annual_brief, annual_workbook  # XlsxWriter and python-docx: only here

    files.update(csv_files(study, options.lang))
    files[WORKBOOK] = annual_workbook.to_bytes(study, scenario, options.lang)
    files[BRIEF] = annual_brief.to_bytes(study, scenario, options.lang, settings)
    return files
