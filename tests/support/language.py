"""Reading a Vietnamese output for English words and file names (used by the report and CLI tests).

A word written only with ASCII letters is either an abbreviation or name that Vietnamese documents
use as such (CNNT, NS, UBND, HiGHS, the Roman numerals of the task groups), or a Vietnamese
syllable written without diacritics ("cho", "theo", "trong"), which follows the syllable shape of
Vietnamese: an initial consonant, a vowel nucleus, a final consonant among c ch m n ng nh p t. An
English word ("optimal", "baseline", "budget", "Local", "and", "of") does not have that shape;
the few short English words that do ("the", "to", "in", "can", ...) are listed and refused. File
names and scenario identifiers (``cut-20pct``, ``.yaml``) are refused too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ALLOWED = {
    # abbreviations and names Vietnamese administrative documents use as they are
    "CNNT", "NS", "UBND", "TP", "TB", "TT", "BTC", "BCT", "TTr", "SCT", "TTLT", "CP", "KG", "PT",
    "HiGHS", "CBC", "kgkc", "opt", "sha", "VND",
    # Roman numerals (task groups) and the ids of targets and relations
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "T", "R", "p", "SL", "KH", "NV", "TH",
    # the letters that name the scenarios side by side in ``compare``
    "A", "B", "C", "D", "E",
}
INITIAL = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
NUCLEUS = r"(?:uye|uya|oai|oay|oeo|uoi|ieu|yeu|uou|ai|ao|au|ay|eo|eu|ia|iu|oa|oe|oi|oo|ua|ue|ui|uo|uy|ye|ie|[aeiouy])"
FINAL = r"(?:ng|nh|ch|[cmnpt])?"
SYLLABLE = re.compile(f"^{INITIAL}{NUCLEUS}{FINAL}$")
#: English words that happen to have the shape of a Vietnamese syllable without diacritics
ENGLISH = {
    "the", "to", "on", "at", "it", "be", "by", "me", "he", "cap", "cut", "top", "hot", "tip", "pin", "sun", "map",
    "nap", "chin", "thin", "ten", "net", "set", "get", "let", "met", "yet", "not", "but", "per", "up", "us", "way",
    "key", "boy", "toy", "cat", "hat", "dot", "got", "lot", "cup", "gap", "lap", "tap", "line", "time", "code",
    "node", "mode", "rate", "date", "late", "note", "vote", "use", "one", "nine", "site", "type", "tie", "die", "lie",
    "pie", "due", "cue", "tea", "sea", "see", "bee", "tree", "free", "too", "zoo", "gain", "main", "pain", "rain",
    "pay", "day", "say", "vs",
}
FILE_NAME = re.compile(r"[\w.-]+\.(?:ya?ml|csv|json|xlsx|html?|md|docx|png|svg|pdf|txt)\b|\w+-\d+pct\b", re.I)


def english_words(text: str, extra_names: Iterable[str] = ()) -> list[str]:
    """The English words and file names in ``text`` (empty for a clean Vietnamese text).

    Lines that echo a path the user gave ("Đã ghi /tmp/plan.xlsx") are left out.
    """
    text = "\n".join(line for line in text.splitlines() if not line.startswith(("Đã ghi ", "Wrote ")))
    found = [m.group(0) for m in FILE_NAME.finditer(text)]
    for name in extra_names:
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            found.append(name)
    text = re.sub(r"sha256:[0-9a-f]+…?", " ", text)  # an input hash
    for word in re.findall(r"[^\W\d_]+", text):
        if not word.isascii() or word in ALLOWED:
            continue
        low = word.lower()
        if low in ENGLISH or not SYLLABLE.match(low):
            found.append(word)
    return found
