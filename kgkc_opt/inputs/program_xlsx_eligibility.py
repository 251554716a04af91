"""The eligibility sheet of a program workbook read back as the document's ``eligibility`` list
(``inputs.program_xlsx`` calls it; ``inputs.eligibility`` checks what it gives).

One row a clause. A rule pack's own cells (name, citation, authority, dates, ...) are on its first
row; the rows right under it with the same id are its further clauses, their pack cells empty. A
clause with priority points is a priority (``priority`` and ``if_any``), one without a requirement
(``require_any``); its conditions are one column a fact: ``any.<fact>`` (eligible, or given the
points, if one of them holds) and ``when.<fact>`` (the clause concerns only proposals for which
all of them hold), kinds comma-separated or yes/no.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from kgkc_opt.inputs.eligibility import FIELDS
from kgkc_opt.inputs.program_xlsx_layout import ELIGIBILITY_PACK_COLUMNS

#: (row, key, message vi, message en): a problem at a row's cell.
Problem = Callable[[int, str, str, str], None]
#: (row, key path, {sub path: column key}): where a record's cells are.
Record = Callable[[int, str, dict[str, str]], None]
_PACK_KEYS = tuple(c.key for c in ELIGIBILITY_PACK_COLUMNS if c.key != "id")
_PACK_FIELDS = {k: k for k in _PACK_KEYS if not k.startswith("name_")} | {
    "id": "id", "name": "name_vi", "name.vi": "name_vi", "name.en": "name_en", "clauses": "clause"}
_CLAUSE_FIELDS = {"clause": "clause", "text": "text_vi", "text.vi": "text_vi", "text.en": "text_en",
                  "priority": "priority", "when": f"when.{FIELDS[0]}", "require_any": f"any.{FIELDS[0]}",
                  "if_any": f"any.{FIELDS[0]}"} | {
    f"{part}.{field}": f"{prefix}.{field}" for field in FIELDS
    for part, prefix in (("when", "when"), ("require_any", "any"), ("if_any", "any"))}


def _label(vi: Any, en: Any) -> Any:
    if vi is None and en is None:
        return None
    if en is None or en == vi:
        return vi
    return {"en": en} if vi is None else {"vi": vi, "en": en}


def _conditions(v: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {field: v[f"{prefix}.{field}"] for field in FIELDS if v.get(f"{prefix}.{field}") is not None}


def _clause(v: dict[str, Any]) -> dict[str, Any]:
    clause: dict[str, Any] = {"clause": v.get("clause")}
    text = _label(v.get("text_vi"), v.get("text_en"))
    if text is not None:
        clause["text"] = text
    when = _conditions(v, "when")
    if when:
        clause["when"] = when
    if v.get("priority") is not None:
        clause["priority"] = v["priority"]
        clause["if_any"] = _conditions(v, "any")
    else:
        clause["require_any"] = _conditions(v, "any")
    return clause


def _pack(pid: Any, v: dict[str, Any]) -> dict[str, Any]:
    pack: dict[str, Any] = {"id": pid}
    name = _label(v.get("name_vi"), v.get("name_en"))
    if name is not None:
        pack["name"] = name
    pack.update({k: v[k] for k in _PACK_KEYS if not k.startswith("name_") and v.get(k) is not None})
    pack["clauses"] = []
    return pack


def eligibility_packs(rows: Iterable[tuple[int, dict[str, Any]]], problem: Problem,
                      record: Record) -> list[dict[str, Any]]:
    """The ``eligibility`` list of the sheet's rows (converted by their columns' kinds)."""
    packs: list[dict[str, Any]] = []
    last = None
    for row, v in rows:
        pid = v.get("id")
        if pid is not None and pid == last:
            own = [k for k in _PACK_KEYS if v.get(k) is not None]
            if own:
                problem(row, own[0], "các ô của bộ quy tắc (tên, căn cứ, ngày hiệu lực, ...) chỉ ghi ở dòng đầu của nó",
                        "a rule pack's own cells (name, citation, dates, ...) go on its first row only")
        else:
            if pid is None:
                problem(row, "id", "thiếu mã bộ quy tắc", "the rule pack's id is missing")
                pid = f"?{row}"
            elif any(p["id"] == pid for p in packs):
                problem(row, "id", f"bộ quy tắc {pid!r} đã có ở trên; các khoản của nó ghi ngay dưới dòng đầu",
                        f"rule pack {pid!r} is listed above; its clauses go on the rows right under its first row")
                last = None
                continue
            record(row, f"eligibility[{len(packs)}]", _PACK_FIELDS)
            packs.append(_pack(pid, v))
            last = pid
        clauses = packs[-1]["clauses"]
        record(row, f"eligibility[{len(packs) - 1}].clauses[{len(clauses)}]", _CLAUSE_FIELDS)
        clauses.append(_clause(v))
    return packs


__all__ = ["eligibility_packs"]
