"""How every id of every program merged is renamed (``merge``'s first step, and the audit's:
``merge_audit.merge_artefacts`` renames the inputs the same way).

``id_plan(programs, prefixes)`` decides, for every input, the new id of each task
(``<group>.<PREFIX>.<n>``), group (``<group>.<PREFIX>`` where two programs name a group id
differently), support rule (``<id>@<PREFIX>`` where two programs' rules of one id differ: a
``Conflict``), target, relation and link (``<PREFIX>-<id>``), and checks that no id is used twice
after renaming (every problem collected, one ``UsageError``); ``rename_program(program, i, plan)``
applies it to one program, its sources prefixed with the program's id.

Pure: programs in, programs out; no file is read or written.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from kgkc_opt.errors import Bilingual, Joined, Said, UsageError
from kgkc_opt.inputs.program import Program, SupportRule, Text
from kgkc_opt.inputs.program_dict import program_to_dict
from kgkc_opt.inputs.program_reader import program_from_dict
from kgkc_opt.inputs.structure import Structure
from kgkc_opt.words import DEFAULT_LANGUAGE

#: A prefix (the origin code of a program's rows): letters and digits, e.g. KG, AG.
PREFIX_RE = re.compile(r"^[A-Za-z0-9]+$")
#: The fields of a support rule, in Vietnamese (for a conflict's text).
_FIELDS_VI = {"max_state_share": "tỷ lệ hỗ trợ tối đa", "max_state_per_unit": "mức hỗ trợ tối đa mỗi đơn vị",
              "citation": "căn cứ", "confidence": "độ tin cậy", "authority": "cơ quan ban hành",
              "jurisdiction": "phạm vi áp dụng", "valid_from": "hiệu lực từ", "valid_to": "hiệu lực đến",
              "versions": "các lần sửa đổi"}


@dataclass(frozen=True)
class Conflict:
    """One support rule id with different caps, citations or confidence in two or more programs."""

    rule: str
    programs: tuple[str, ...]
    kept_as: tuple[str, ...]
    differences: tuple[str, ...]

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        diff, kept = "; ".join(self.differences), ", ".join(self.kept_as)
        if lang == "vi":
            diff = "; ".join(_FIELDS_VI.get(d.split(":", 1)[0], d.split(":", 1)[0]) + ": " + (
                d.values["values"].worded("vi") if isinstance(d, Said) else d.split(":", 1)[1].strip())
                for d in self.differences)
            return (f"Quy định hỗ trợ {self.rule} khác nhau giữa {' và '.join(self.programs)} ({diff}): giữ cả "
                    f"hai, là {kept}; mỗi nhiệm vụ giữ quy định của chương trình gốc.")
        return (f"support rule {self.rule} differs between {' and '.join(self.programs)} ({diff}): both are "
                f"kept, as {kept}; each task keeps its own program's rule")


def default_prefix(program: Program) -> str:
    """The initials of the province (``Kiên Giang`` -> ``KG``, ``An Giang (illustrative)`` ->
    ``AG``), else of the program id's words (``kien-giang-2021-2025`` -> ``KG``)."""
    for text in (re.sub(r"\(.*?\)", " ", program.province), program.id):
        plain = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
        plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
        initials = "".join(word[0] for word in re.findall(r"[A-Za-z]+", plain)).upper()
        if initials:
            return initials
    return "P"


@dataclass(frozen=True)
class IdPlan:
    """How every id of every input is renamed (the same for the merge and for ``merge_artefacts``)."""

    prefixes: tuple[str, ...]
    groups: tuple[dict[str, str], ...]
    rules: tuple[dict[str, str], ...]
    tasks: tuple[dict[str, str], ...]
    conflicts: tuple[Conflict, ...]
    split_groups: tuple[str, ...]
    #: the name each merged rule id keeps (the first program's), and the rule ids whose names differ
    rule_names: dict[str, Text] = field(default_factory=dict)
    renamed_rules: tuple[str, ...] = ()


#: The words a rule field may hold that are the toolkit's (not the program's text), in Vietnamese.
_VALUES_VI = {"none": "không có", "national": "toàn quốc", "stated": "ghi trong văn bản", "unknown": "chưa rõ",
              "reported": "theo các tỉnh khác trích dẫn"}


def show_value(value: Any) -> str:
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"
    if isinstance(value, Said):
        return value
    text = "none" if value is None or value == "" else str(value)
    return Bilingual(text, _VALUES_VI[text]) if text in _VALUES_VI else text


def id_plan(programs: Sequence[Program], prefixes: Sequence[str]) -> IdPlan:
    problems: list[Said] = []
    if len(prefixes) != len(programs):
        raise UsageError("{programs} programs but {prefixes} prefixes; give one prefix per program, "
                         "in the programs' order", programs=len(programs), prefixes=len(prefixes))
    for p in prefixes:
        if not PREFIX_RE.match(p):
            problems.append(Said("the prefix {prefix!r} is not letters and digits only (e.g. KG, AG)", prefix=p))
    seen: dict[str, str] = {}
    for p, prog in zip(prefixes, programs, strict=True):
        if p.upper() in seen:
            problems.append(Said("{first} and {second} both get the prefix {prefix}; give a prefix for each "
                                 "program (--prefix)", first=seen[p.upper()], second=prog.id, prefix=p))
        seen.setdefault(p.upper(), prog.id)
    ids = [prog.id for prog in programs]
    for pid in sorted({x for x in ids if ids.count(x) > 1}):
        problems.append(Said("two programs have the id {id}; each row's source names its program by id, so each "
                             "program needs its own", id=pid))
    if problems:
        raise UsageError("{problems}", problems=Joined(problems, "\n"))

    names: dict[str, set[Text]] = {}
    for prog in programs:
        for g in prog.groups:
            names.setdefault(g.id, set()).add(g.name)
    split = tuple(gid for gid, found in names.items() if len(found) > 1)
    groups = tuple({g.id: f"{g.id}.{p}" if g.id in split else g.id for g in prog.groups}
                   for p, prog in zip(prefixes, programs, strict=True))

    rules: list[dict[str, str]] = [{} for _ in programs]
    conflicts = []
    rule_ids = list(dict.fromkeys(rid for prog in programs for rid in prog.support_rules))
    rule_names: dict[str, Text] = {}
    renamed_rules: list[str] = []
    for rid in rule_ids:
        having = [(i, prog.support_rules[rid]) for i, prog in enumerate(programs) if rid in prog.support_rules]
        fields = ("max_state_share", "max_state_per_unit", "citation", "confidence", "authority", "jurisdiction",
                  "valid_from", "valid_to", "versions")
        differ = [f for f in fields if len({_rule_field(rule, f) for _, rule in having}) > 1]
        for i, rule in having:
            rules[i][rid] = f"{rid}@{prefixes[i]}" if differ else rid
            rule_names.setdefault(rules[i][rid], rule.name)
        if not differ and len({rule.name for _, rule in having}) > 1:
            renamed_rules.append(rid)
        if differ:
            conflicts.append(Conflict(
                rid, tuple(programs[i].id for i, _ in having), tuple(rules[i][rid] for i, _ in having),
                tuple(Said("{field}: {values}", field=f, values=Joined(
                    [Said("{value} ({prefix})", value=show_value(_rule_field(rule, f)), prefix=prefixes[i])
                     for i, rule in having], " ≠ ")) for f in differ)))

    tasks: list[dict[str, str]] = []
    for p, prog in zip(prefixes, programs, strict=True):
        tasks.append({t.id: (f"{t.group}.{p}.{t.id[len(t.group) + 1:]}" if t.id.startswith(t.group + ".")
                             else f"{p}.{t.id}") for t in prog.tasks})
    _check_unique(problems, Said("task id(s)"), [tid for m in tasks for tid in m.values()])
    _check_unique(problems, Said("group id(s)"), list(dict.fromkeys(g for m in groups for g in m.values())))
    _check_unique(problems, Said("support rule id(s)"), list(dict.fromkeys(r for m in rules for r in m.values())))
    if problems:
        raise UsageError("{problems}", problems=Joined(problems, "\n"))
    return IdPlan(tuple(prefixes), groups, tuple(rules), tuple(tasks), tuple(conflicts), split, rule_names,
                 tuple(renamed_rules))


def _rule_field(rule: SupportRule, name: str) -> object:
    """A field of a support rule as the conflict check compares it (later versions: their dates,
    caps and citations, as text)."""
    if name == "versions":
        return Joined([Said("{citation} from {date}", citation=v.citation, date=v.valid_from) for v in rule.versions],
                      "; ") if rule.versions else "none"
    value = getattr(rule, name)
    return value.isoformat() if isinstance(value, dt.date) else value


def _check_unique(problems: list[Said], kind: Said, ids: list[str]) -> None:
    twice = sorted({x for x in ids if ids.count(x) > 1})
    if twice:
        problems.append(Said("after renaming, the {kind} {ids} would be used twice; choose other prefixes "
                             "(--prefix)", kind=kind, ids=", ".join(twice)))


def rename_program(program: Program, i: int, plan: IdPlan) -> Program:
    """``program`` with the ids and sources it has in the merged program (its own period kept)."""
    prefix, pid = plan.prefixes[i], program.id
    tmap, gmap, rmap = plan.tasks[i], plan.groups[i], plan.rules[i]

    def src(source: str) -> str:
        return f"{pid}, {source}" if source else pid

    st = program.structure
    return replace(
        program,
        stated_totals_source=src(program.stated_totals_source) if program.stated_totals is not None else "",
        annual_budget_source=src(program.annual_budget_source),
        support_rules={rmap[rid]: replace(rule, id=rmap[rid], name=plan.rule_names.get(rmap[rid], rule.name),
                                          versions=tuple(replace(v, id=rmap[rid]) for v in rule.versions))
                       for rid, rule in program.support_rules.items()},
        groups=tuple(replace(g, id=gmap[g.id], source=src(g.source)) for g in program.groups),
        tasks=tuple(replace(t, id=tmap[t.id], group=gmap[t.group], source=src(t.source),
                            support_rule=rmap[t.support_rule]) for t in program.tasks),
        targets=tuple(replace(tg, id=f"{prefix}-{tg.id}", source=src(tg.source),
                              tasks=tuple(tmap[x] for x in tg.tasks)) for tg in program.targets),
        source_notes=tuple(replace(n, source=src(n.source)) for n in program.source_notes),
        relations=tuple(replace(r, id=f"{prefix}-{r.id}", source=src(r.source), left=tuple(tmap[x] for x in r.left),
                                right=tuple(tmap[x] for x in r.right)) for r in program.relations),
        structure=Structure(
            cadence={tmap[k]: v for k, v in st.cadence.items()},
            cadence_source={tmap[k]: src(v) for k, v in st.cadence_source.items()},
            links=tuple(replace(ln, id=f"{prefix}-{ln.id}", task=tmap[ln.task], leader=tmap[ln.leader],
                                source=src(ln.source)) for ln in st.links)),
    )


def validated(program: Program, label: str) -> Program:
    return program_from_dict(program_to_dict(program), source=label)
