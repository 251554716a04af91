"""Every error a user can see is in the run's language: each message template of a Problem, a
Said, a Collector's ``error`` or a KgkcError raised with values has a Vietnamese entry in
kgkc_opt/locale/vi.po with the same placeholders, and no such message is an f-string (whose
wording the catalogue cannot hold)."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import kgkc_opt
from kgkc_opt import errors, words
from kgkc_opt.errors import InputError, Problem, Said, UsageError

PACKAGE = Path(kgkc_opt.__file__).parent
ERROR_CLASSES = {name for name in dir(errors) if name.endswith("Error")}

#: Modules whose error messages may still be f-strings: none (issue 24, item 6); nothing is added.
F_STRINGS_ALLOWED: set[str] = set()


def error_classes(root: Path = PACKAGE) -> set[str]:
    """The error classes of kgkc_opt.errors and every exception class defined in the package (a
    class named ...Error, or derived from one), e.g. DocumentSettingsError, AppError."""
    names = set(ERROR_CLASSES)
    classes = [node for path in root.rglob("*.py") for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.ClassDef)]
    grown = True
    while grown:
        found = {c.name for c in classes if c.name.endswith("Error") or any(
            (b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute) else "") in names
            for b in c.bases)}
        grown, names = not found <= names, names | found
    return names


def _message_argument(call: ast.Call, classes: set[str] = ERROR_CLASSES) -> ast.expr | None:
    """The argument of ``call`` that is a message template, if the call takes one."""
    func, args = call.func, call.args
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if name == "error" and isinstance(func, ast.Attribute) and len(args) >= 2:
        return args[1]  # Collector.error(where, message, **values)
    if name == "Problem" and len(args) >= 3:
        return args[2]
    if name in ("Said", "word", "w") and args:  # (w: a local shorthand of word, as in Report.lines)
        return args[0]
    if name == "fail":  # the readers' fail(message), fail(where, message) and fail(message, where)
        return next((a for a in args if isinstance(a, ast.Constant | ast.JoinedStr) and not _is_place(a)), None)
    if name == "check_file":  # check_file(path, suffixes=..., kind="the workbook is written as .xlsx")
        return next((k.value for k in call.keywords if k.arg == "kind"), None)
    if name in classes and args:
        return args[0]  # UsageError("template {x}", x=...), OutputError("finished text")
    return None


def _built(node: ast.expr | None, bound: dict[str, list[ast.expr]]) -> bool:
    """Whether ``node`` builds its text in Python (an f-string, ``+``, ``%``, ``.format``, a ``join``
    of texts, or a name bound to one of these), so that the catalogue cannot hold its wording."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return any((isinstance(side, ast.Constant) and isinstance(side.value, str)) or _built(side, bound)
                   for side in (node.left, node.right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):  # "{}".format(x), f"...".strip()
        text = node.func.value
        return (node.func.attr in ("format", "join") and isinstance(text, ast.Constant)) or _built(text, bound)
    if isinstance(node, ast.Name):
        return any(_built(value, {}) for value in bound.get(node.id, ()))
    return False


def _bindings(statements: list[ast.stmt]) -> dict[str, list[ast.expr]]:
    """name -> the values ``statements`` (and the blocks in them) assign to it: ``msg = f"..."``."""
    out: dict[str, list[ast.expr]] = {}
    for node in (n for statement in statements for n in ast.walk(statement)):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name):
                    out.setdefault(target.id, []).append(node.value)
    return out


def _calls(tree: ast.Module) -> list[tuple[ast.Call, dict[str, list[ast.expr]]]]:
    """Every call of a module, with the names bound where it is: the module's top-level names and
    those its enclosing functions assign."""
    out: list[tuple[ast.Call, dict[str, list[ast.expr]]]] = []

    def visit(node: ast.AST, bound: dict[str, list[ast.expr]]) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            bound = {**bound, **_bindings(node.body)}
        elif isinstance(node, ast.Call):
            out.append((node, bound))
        for child in ast.iter_child_nodes(node):
            visit(child, bound)

    visit(tree, _bindings([s for s in tree.body if isinstance(s, ast.Assign | ast.AnnAssign)]))
    return out


def message_templates(root: Path = PACKAGE) -> tuple[dict[str, list[str]], list[str]]:
    """The message templates written in the package (template -> where), and the messages built in
    Python, e.g. as f-strings (where)."""
    classes = error_classes(root)
    templates: dict[str, list[str]] = {}
    fstrings: list[str] = []
    for path in sorted(root.rglob("*.py")):
        for node, bound in _calls(ast.parse(path.read_text(encoding="utf-8"))):
            arg = _message_argument(node, classes)
            where = f"{path.relative_to(root.parent)}:{node.lineno}"
            if _built(arg, bound) and (isinstance(arg, ast.JoinedStr) or _names_an_error(node, classes)):
                fstrings.append(where)
            elif isinstance(arg, ast.Name) and _names_an_error(node, classes):
                arg = next(iter(bound.get(arg.id, ())), None)
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and _has_words(arg.value):
                templates.setdefault(arg.value, []).append(where)
    return templates, sorted(set(fstrings), key=lambda w: (w.rsplit(":", 1)[0], int(w.rsplit(":", 1)[1])))


def _names_an_error(call: ast.Call, classes: set[str]) -> bool:
    func = call.func
    return (func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else "") in classes


def _is_place(node: ast.Constant | ast.JoinedStr) -> bool:
    """Whether a string argument is a place ("", "line 3", f"row {n}") rather than a message."""
    first = node.value if isinstance(node, ast.Constant) else next(
        (v.value for v in node.values if isinstance(v, ast.Constant)), "")
    return not first or bool(re.match(r"(line|row|sheet) ", str(first)))


def _has_words(template: str) -> bool:
    return bool(re.search(r"[A-Za-z]{2}", re.sub(r"\{[^{}]*\}", "", template)))


def placeholders(text: str) -> list[tuple[str, str, str]]:
    """The ``{name!conversion:spec}`` fields of a str.format template, sorted."""
    return sorted((name, conversion or "", spec or "") for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None)


def _allowed(where: str) -> bool:
    return where.rsplit(":", 1)[0] in F_STRINGS_ALLOWED


def test_every_error_message_is_a_template_not_an_f_string():
    _, fstrings = message_templates()
    left = [where for where in fstrings if not _allowed(where)]
    assert not left, ("write these messages as a template and values (c.error(where, 'got {got}', got=...), "
                      "UsageError('no task {task!r}', task=...)), not an f-string:\n" + "\n".join(left))


def test_every_error_message_template_has_a_vietnamese_entry():
    templates, _ = message_templates()
    assert len(templates) > 200
    missing = [f"{places[0]}: {t!r}" for t, places in templates.items() if t not in words.catalogue("vi")]
    assert not missing, "add these to kgkc_opt/locale/vi.po:\n" + "\n".join(missing)


def formatted_names(root: Path = PACKAGE) -> dict[str, set[str]]:
    """msgid → the names its call sites pass: ``say("...", lang).format(a=..., b=...)``."""
    out: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "format" and isinstance(node.func.value, ast.Call)):
                continue
            said = node.func.value
            if isinstance(said.func, ast.Name) and said.func.id == "say" and said.args \
                    and isinstance(said.args[0], ast.Constant) and isinstance(said.args[0].value, str):
                out.setdefault(said.args[0].value, set()).update(k.arg for k in node.keywords if k.arg)
    return out


def test_every_entry_keeps_the_placeholders_of_its_msgid():
    """An error template's entry has the msgid's placeholders exactly; a report phrase worded at a
    ``say(...).format(...)`` call may use other values that the call passes (the Vietnamese sentence
    may word a figure differently), never a name the call does not pass."""
    passed = formatted_names()
    wrong = []
    for msgid, msgstr in words.catalogue("vi").items():
        if "{" not in msgid + msgstr or placeholders(msgid) == placeholders(msgstr):
            continue
        names = {name for name, _, _ in placeholders(msgstr)}
        if msgid in passed and names <= passed[msgid]:
            continue
        wrong.append(msgid)
    assert not wrong, "the Vietnamese entry's {placeholders} differ from the English:\n" + "\n".join(wrong)


def test_a_phrase_worded_at_a_format_call_names_only_values_it_is_given():
    passed = formatted_names()
    assert passed["Short of target by {quantity}"] == {"quantity"}
    assert {"causes", "lower"} <= passed[", because: {causes}"]


def test_the_placeholder_check_sees_a_changed_name_conversion_or_spec():
    assert placeholders("got {value!r}, at most {n:,}") == [("n", "", ","), ("value", "r", "")]
    assert placeholders("{value}") != placeholders("{value!r}")
    assert placeholders("{{literal}} {x}") == [("x", "", "")]


def test_the_scan_finds_templates_and_f_strings(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(
        'c.error(w, "expected a list, got {got}", got=g)\nc.error(w, f"got {g}")\n'
        'Problem(s, w, "is empty")\nSaid("{x}")\nUsageError("no task {t}", t=1)\nUsageError("plain text")\n')
    templates, fstrings = message_templates(tmp_path / "pkg")
    assert set(templates) == {"expected a list, got {got}", "is empty", "no task {t}", "plain text"}
    assert fstrings == ["pkg/m.py:2"]


def test_the_scan_finds_every_error_class_given_a_message_built_in_python(tmp_path):
    """An f-string, ``+``, ``.format`` or a name bound to one, given to any error class (those of
    kgkc_opt.errors and those a module defines), is found; a name bound to a template is a template."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(
        'GUARD = "put the code under a main guard"\n'
        'class SettingsError(InputError):\n    pass\n'
        'class AppError(Exception):\n    pass\n'
        'def f(x):\n'
        '    raise OutputError(f"{x}: exists")\n'              # 7
        '    raise SolverError("stopped: " + x)\n'             # 8
        '    raise KgkcError("stopped: {}".format(x))\n'       # 9
        '    raise NoSolutionError(f"no plan {x}".strip())\n'  # 10
        '    msg = f"no plan ({x})"\n'
        '    raise NoSolutionError(msg)\n'                     # 12
        '    raise SettingsError(f"bad {x}")\n'                # 13
        '    raise AppError(f"bad {x}")\n'                     # 14
        '    raise UsageError(GUARD)\n'
        '    raise UsageError("no task {t}", t=f"{x}")\n'
        '    raise ValueError(f"internal {x}")\n')
    templates, fstrings = message_templates(tmp_path / "pkg")
    assert fstrings == [f"pkg/m.py:{n}" for n in (7, 8, 9, 10, 12, 13, 14)]
    assert set(templates) == {"put the code under a main guard", "no task {t}"}
    assert {"SettingsError", "AppError", "UsageError"} <= error_classes(tmp_path / "pkg")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_problem_is_worded_in_the_run_language_and_english_for_the_api(lang):
    problem = Problem("p.yaml", "line 3, column 9", "expected a whole number, got {value}{hint}",
                      {"value": Said("a list"), "hint": ""})
    assert str(problem) == "p.yaml: line 3, column 9: expected a whole number, got a list"
    assert problem.message == "expected a whole number, got a list"
    worded = InputError([problem, problem]).worded(lang)
    if lang == "en":
        assert worded == str(InputError([problem, problem]))
    else:
        assert worded.splitlines()[0] == "Tìm thấy 2 lỗi:"
        assert worded.splitlines()[1] == "p.yaml: dòng 3, cột 9: cần một số nguyên, nhận được một danh sách"


def test_an_error_raised_with_values_is_english_for_the_api_and_worded_for_the_command_line():
    error = UsageError("{count} problems found:", count=3)
    assert str(error) == "3 problems found:"
    assert error.worded("vi") == "Tìm thấy 3 lỗi:"
    assert UsageError("some finished text").worded("vi") == "some finished text"


def test_an_infeasible_scenarios_explanation_and_repairs_are_worded_in_the_run_language():
    from kgkc_opt.analysis.repairs import Explanation, Repair
    from kgkc_opt.errors import Figure, Joined

    conflict = Said("together the floors need at least {need} local budget; the planned years provide {have}",
                    need=Figure("13,800"), have=Figure("12,025.5"))
    parts = Joined([Said("{amount} more local budget in {year}", amount=Figure("1,775"), year=2021)], "; ")
    repair = Repair("extra-local", Said("raise the caps by {total} million VND in all: {parts}",
                                        total=Figure("1,775"), parts=parts), {}, 1775.0, True, True)
    explanation = Explanation("cut", (conflict,), (repair,))
    assert str(explanation).splitlines() == [
        "Scenario 'cut' is infeasible: its hard requirements conflict.",
        "  - together the floors need at least 13,800 local budget; the planned years provide 12,025.5",
        "Repairs, smallest change first:",
        "  1. raise the caps by 1,775 million VND in all: 1,775 more local budget in 2021 [verified]"]
    assert explanation.worded("vi").splitlines() == [
        "Phương án 'cut' không khả thi: các yêu cầu bắt buộc mâu thuẫn nhau.",
        "  - các mức tối thiểu cộng lại cần ít nhất 13.800 vốn ngân sách địa phương; các năm lập kế hoạch có 12.025,5",
        "Cách sửa, thay đổi nhỏ nhất trước:",
        "  1. nâng kế hoạch vốn thêm tổng cộng 1.775 triệu đồng: thêm 1.775 vốn ngân sách địa phương năm 2021 "
        "[đã kiểm tra bằng giải lại]"]


def test_a_name_in_both_languages_is_english_in_the_text_and_filled_in_vietnamese_for_the_audit():
    from kgkc_opt.errors import Bilingual, Joined

    rows = Joined([Said("{id} {quantity} {unit}", id="II.1", quantity=2, unit=Bilingual("model", "Mô hình"))], " + ")
    finding = Said("target {target} says {quantity}, the table plans {rows} = {planned}", target="T02",
                   quantity=42, rows=rows, planned=2)
    assert finding == "target T02 says 42, the table plans II.1 2 model = 2"
    assert finding.filled("vi") == "target T02 says 42, the table plans II.1 2 Mô hình = 2"
    assert finding.worded("vi") == "Mục tiêu T02 là 42, phụ lục bố trí II.1 2 Mô hình = 2"


def test_the_places_of_problems_are_worded():
    from kgkc_opt.errors import word_place

    assert word_place("line 9, column 9", "vi") == "dòng 9, cột 9"
    assert word_place("row 4, Mã đề án", "vi") == "hàng 4, Mã đề án"
    assert word_place("sheet 'Đề án'", "vi") == "trang tính 'Đề án'"
    assert word_place("tasks[II.2].cost", "vi") == "tasks[II.2].cost"
    assert word_place("line 9, column 9", "en") == "line 9, column 9"


def test_errors_the_package_raises_are_english_for_the_api_and_vietnamese_for_the_command_line(tmp_path):
    """Errors once written as f-strings: the values fill both languages, figures and kinds worded."""
    from kgkc_opt.analysis.sweep import parse_levels
    from kgkc_opt.errors import KgkcError
    from kgkc_opt.report import files

    (tmp_path / "x.txt").write_text("a")
    cases = [
        (lambda: parse_levels("100:40:-0.000001"),
         "levels '100:40:-0.000001': 60,000,001 levels, more than 10,000; use a step of at least 0.0060006",
         "các mức '100:40:-0.000001': 60.000.001 mức, nhiều hơn 10.000; hãy dùng bước nhảy ít nhất là 0,0060006"),
        (lambda: files.check_file(tmp_path, suffixes=[]),
         f"{tmp_path}: is a folder, expected a file name", f"{tmp_path}: là một thư mục, cần một tên tệp"),
        (lambda: files.check_file(tmp_path / "x.txt", suffixes=[".xlsx"], kind="the workbook is written as .xlsx"),
         f"{tmp_path / 'x.txt'}: the workbook is written as .xlsx",
         f"{tmp_path / 'x.txt'}: bảng tính được ghi dưới dạng .xlsx"),
    ]
    for call, en, vi in cases:
        with pytest.raises(KgkcError) as caught:
            call()
        assert (str(caught.value), caught.value.worded("en"), caught.value.worded("vi")) == (en, en, vi)


def test_a_joined_list_words_a_separator_that_is_said():
    from kgkc_opt.errors import Joined

    ids = Joined(["II.KG.1", "II.AG.1"], Said(" and "))
    assert ids == "II.KG.1 and II.AG.1"
    assert ids.worded("vi") == "II.KG.1 và II.AG.1"
