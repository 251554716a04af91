"""The web app's words (``app.text``): every key in both languages, values filled in."""

from __future__ import annotations

import re

import pytest

from kgkc_opt.app.text import LANGS, WORDS, t


def test_a_key_in_each_language_with_its_values() -> None:
    assert t("title") == "Lập kế hoạch khuyến công"
    assert t("title", "en") == "Khuyến công planning"
    assert t("err_size", "en", name="p.yaml", size=6_000_000, limit=5_242_880) == (
        "The file p.yaml is too large (6,000,000 bytes); the limit is 5,242,880 bytes.")


@pytest.mark.parametrize("key", sorted(WORDS))
def test_both_languages_have_the_same_placeholders(key: str) -> None:
    vi, en = WORDS[key]
    assert vi and en and LANGS == ("vi", "en")
    assert sorted(re.findall(r"\{(\w+)", vi)) == sorted(re.findall(r"\{(\w+)", en)), key
