"""A label in two languages (``inputs.text``): one string for both, or vi with an optional en."""

from __future__ import annotations

from kgkc_opt.inputs.reader import Collector
from kgkc_opt.inputs.text import Text, parse_text


def _parse(value: object) -> tuple[Text | None, list[str]]:
    c = Collector("p.yaml")
    text = parse_text(c, value, "groups[0].name")
    return text, [str(p) for p in c.problems]


def test_a_string_is_both_languages() -> None:
    assert _parse("Đào tạo") == (Text("Đào tạo", "Đào tạo"), [])


def test_a_mapping_gives_each_language_english_defaulting_to_vietnamese() -> None:
    assert _parse({"vi": "Lớp", "en": "class"}) == (Text("Lớp", "class"), [])
    assert _parse({"vi": "Lớp"}) == (Text("Lớp", "Lớp"), [])
    assert Text("Lớp", "class").get("en") == "class" and Text("Lớp", "class").get("vi") == "Lớp"


def test_problems_say_where() -> None:
    text, problems = _parse({"en": "class"})
    assert text is None and problems and all(p.startswith("p.yaml: groups[0].name") for p in problems)
    text, problems = _parse({"vi": "Lớp", "fr": "classe"})
    assert any("fr" in p for p in problems)
