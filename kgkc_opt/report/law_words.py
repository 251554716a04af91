"""The law behind a document, in words: the instrument a support rule cites, and the one-line
caveat a document carries when it uses rules whose amounts are not confirmed
(``analysis.law.unconfirmed_rules``, which is pure: it reads the program, never solves).

A program file's citation is written for its maintainers, in English around the Vietnamese
names of the instruments ("Thông tư 28/2018/TT-BTC (≤ 50%, ...), amended by Thông tư 64/2024/TT-BTC
(not re-checked)"). ``instrument`` keeps the instruments and their Vietnamese notes and drops the
maintainers' notes, so that a Vietnamese document cites "Thông tư 28/2018/TT-BTC được sửa đổi, bổ
sung bởi Thông tư 64/2024/TT-BTC" without an English word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from kgkc_opt.words import say

#: English words of the bundled programs' citation notes: a parenthesis holding one is a
#: maintainers' note, dropped from a Vietnamese citation (a Vietnamese one, "(giả định)", stays).
ENGLISH = frozenset({
    "amended", "amount", "amounts", "as", "available", "before", "by", "checked", "cited", "citing", "circular",
    "circulars", "cluster", "for", "from", "here", "hypothetical", "illustration", "in", "industrial", "level",
    "lines", "merged", "national", "no", "not", "of", "pending", "province", "provinces", "re-checked", "read",
    "regulation", "replaced", "reported", "such", "text", "the", "to", "unconfirmed", "up", "exists", "against"
})
_AMENDED = re.compile(r",?\s+amended by\s+")
#: Where a citation's instrument ends and the maintainers' notes begin.
_NOTES = re.compile(r"(?:[,;]\s+(?:as|pending|see|cited|text|not)\b|\.\s+(?=[A-Z])| — ).*$", re.S)


def english_words(text: str) -> list[str]:
    """The English words of ``ENGLISH`` in ``text`` (a test's check of a Vietnamese document)."""
    return [w for w in re.findall(r"[A-Za-z][A-Za-z-]*", text) if w.lower() in ENGLISH]


def instrument(citation: str, lang: str) -> str:
    """The instruments a support rule's citation names, in ``lang`` (English: as written)."""
    if lang == "en":
        return citation.strip()

    def keep(m: re.Match[str]) -> str:
        inner = m.group(0)
        return "" if english_words(inner) or "≤" in inner else inner

    text = citation
    previous = None
    while previous != text:  # innermost parentheses first
        previous, text = text, re.sub(r"\s*\([^()]*\)", keep, text)
    text = _NOTES.sub("", text)
    text = _AMENDED.sub(" được sửa đổi, bổ sung bởi ", text)
    return " ".join(text.split()).rstrip(" ,;.")


def caveat(unconfirmed: Sequence[Any], program: Any, lang: str) -> str:
    """One line: the support rules the document relies on whose amounts are not confirmed
    (``analysis.law.UnconfirmedRule``s), with the tasks that use them; "" when there are none."""
    if not unconfirmed:
        return ""
    names: dict[str, list[str]] = {}
    for u in unconfirmed:
        tasks = names.setdefault(str(u.rule.name.get(lang)), [])
        tasks += [t for t in u.tasks if t not in tasks]
    rules = "; ".join(f"{name} ({', '.join(tasks)})" for name, tasks in names.items())
    return say(
        "Legal basis: the support caps of {rules} are not confirmed against the instruments in force "
        "(the program file marks them unconfirmed); check them before the document is issued.",
        lang,
    ).format(rules=rules)
