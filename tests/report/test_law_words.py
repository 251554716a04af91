"""The law in a document's words: instruments cited without the program file's English notes,
and the one-line caveat for support rules whose amounts are unconfirmed."""

from __future__ import annotations

import pytest

import kgkc_opt as kg
from kgkc_opt.analysis.law import unconfirmed_rules
from kgkc_opt.report.law_words import caveat, english_words, instrument

PROGRAMS = ("kien-giang-2021-2025", "an-giang-2026-2030-illustrative", "example-2026-2030")


@pytest.mark.parametrize("name", PROGRAMS)
def test_every_bundled_citation_reads_in_vietnamese_without_english_words(name):
    program = kg.load_program(name)
    for rule in program.support_rules.values():
        for version in rule.history:
            text = instrument(version.citation, "vi")
            assert text and not english_words(text), (version.id, text)
            assert "26/2014" not in text  # the replaced joint circular is never cited as the basis


def test_the_instrument_in_force_and_its_amendment_are_cited():
    cited = instrument("Thông tư 28/2018/TT-BTC (≤ 50%, ≤ 300 triệu đồng/cơ sở; ≤ 200 before 2018), amended by "
                       "Thông tư 64/2024/TT-BTC (not re-checked)", "vi")
    assert cited == "Thông tư 28/2018/TT-BTC được sửa đổi, bổ sung bởi Thông tư 64/2024/TT-BTC"
    # a Vietnamese note stays (a hypothetical instrument is said to be one)
    assert instrument("Nghị quyết (giả định) số .../2027/NQ-HĐND (≤ 250) — HYPOTHETICAL", "vi") == \
        "Nghị quyết (giả định) số .../2027/NQ-HĐND"
    assert instrument("X (note), amended by Y", "en") == "X (note), amended by Y"


def test_the_caveat_names_each_unconfirmed_rule_once_with_its_tasks():
    program = kg.load_program("kien-giang-2021-2025")
    found = unconfirmed_rules(program)
    assert found  # the 2014 levels are unconfirmed
    line = caveat(found, program, "vi")
    assert line.startswith("Lưu ý về căn cứ pháp lý") and not english_words(line)
    for u in found:
        assert u.rule.name.vi in line and all(t in line for t in u.tasks)
    assert caveat([], program, "vi") == ""
    assert "not confirmed" in caveat(found, program, "en")


def test_the_vietnamese_audit_cites_the_support_rules_without_english_words(capsys):
    from kgkc_opt.cli.app import main

    main(["audit", "an-giang-2026-2030-illustrative", "--lang", "vi"])
    lines = [line for line in capsys.readouterr().out.splitlines() if "Quy định hỗ trợ" in line]
    assert any("Thông tư 28/2018/TT-BTC được sửa đổi, bổ sung bởi Thông tư 64/2024/TT-BTC" in line for line in lines)
    for line in lines:
        assert not english_words(line), line
