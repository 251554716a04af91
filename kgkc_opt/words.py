"""The wording catalogue: what the toolkit says, one catalogue per language.

English is the language of the code: a message's English text is its key (its ``msgid``, as in
gettext). Each other language has one catalogue, ``kgkc_opt/locale/<lang>.po`` (gettext's text
format, which translators' tools such as Poedit read and write), mapping the English text to its
translation. ``say(text, lang)`` gives the text in ``lang``; an entry that is missing falls back to
the English text, and a test (tests/test_words.py) fails on any user-facing text without an entry.

Only the standard library is imported, so the command line can word its help before anything heavy
is loaded.
"""

from __future__ import annotations

import functools
import os
import re

#: The languages the toolkit speaks; the first is the default of the command line and the API.
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"


def read_po(text: str) -> dict[str, str]:
    """The entries of a gettext ``.po`` text: msgid → msgstr (the header and empty msgstrs left out).

    Supports what this project writes: ``#`` comments, ``msgid``/``msgstr`` each followed by one or
    more double-quoted C strings on their own lines (concatenated), blank lines between entries.
    """
    fast = _read_po_laid_out(text)
    return fast if fast is not None else _read_po_lines(text)


def _read_po_lines(text: str) -> dict[str, str]:
    """``read_po`` line by line: any text it supports, and the line of the first that is wrong."""
    entries: dict[str, str] = {}
    key: str | None = None
    parts: dict[str, list[str]] = {"msgid": [], "msgstr": []}
    current: list[str] | None = None

    def close() -> None:
        nonlocal key
        msgid, msgstr = "".join(parts["msgid"]), "".join(parts["msgstr"])
        if msgid and msgstr:
            entries[msgid] = msgstr
        parts["msgid"], parts["msgstr"] = [], []
        key = None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("msgid "):
            if parts["msgid"] or parts["msgstr"]:
                close()
            key, current, line = "msgid", parts["msgid"], line[len("msgid "):]
        elif line.startswith("msgstr "):
            key, current, line = "msgstr", parts["msgstr"], line[len("msgstr "):]
        if current is None or not (line.startswith('"') and line.endswith('"')):
            raise ValueError(f"line {number}: expected msgid, msgstr or a quoted string, got {raw!r}")
        current.append(_unquote(line))
    close()
    return entries


#: The characters other than a newline at which ``str.splitlines`` ends a line.
_OTHER_LINE_ENDS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
#: One entry as this project lays it out: ``msgid`` and ``msgstr`` lines, each followed by its
#: continued strings, every line a quoted string from its first character to its last.
_ENTRY = r'^msgid ("[^\n]*"(?:\n"[^\n]*")*)\nmsgstr ("[^\n]*"(?:\n"[^\n]*")*)$'
#: What may come between entries: empty lines and comments (from the line's first character).
_BETWEEN = r"(?:(?:#[^\n]*)?\n)*(?:#[^\n]*)?"


def _read_po_laid_out(text: str) -> dict[str, str] | None:
    """``read_po`` of a text laid out as this project writes it (entries, and only empty lines and
    comments between them), read by regular expressions rather than line by line (the catalogue
    is read at every start of the command line); None for any other text, which the line-by-line
    reader reads the same way or says where it is wrong."""
    if any(end in text for end in _OTHER_LINE_ENDS):
        return None
    entry = re.compile(_ENTRY, re.MULTILINE)
    if not re.fullmatch(_BETWEEN, entry.sub("", text)):  # what is not an entry (lines stay whole)
        return None
    entries: dict[str, str] = {}
    for msgid_lines, msgstr_lines in entry.findall(text):
        msgid, msgstr = _joined(msgid_lines), _joined(msgstr_lines)
        if msgid and msgstr:
            entries[msgid] = msgstr
    return entries


def _joined(lines: str) -> str:
    """The text of one or more quoted strings, one a line, concatenated."""
    return _unquote(lines) if "\n" not in lines else "".join(map(_unquote, lines.split("\n")))


#: The escapes read without ``ast``: each as Python reads it.
_ESCAPES = (('\\"', '"'), ("\\'", "'"), ("\\n", "\n"), ("\\t", "\t"))


def _unquote(quoted: str) -> str:
    """The text of one double-quoted C string: as ``ast.literal_eval`` reads it, without its
    cost where there is nothing to unescape or only the escapes of ``_ESCAPES`` (every line of
    the catalogue, which is read at every start)."""
    inner = quoted[1:-1]
    if "\\" not in inner and '"' not in inner:
        return inner
    if "\\\\" not in inner:  # every backslash then starts an escape of one character after it
        rest = inner
        for escape, _ in _ESCAPES:
            rest = rest.replace(escape, "")
        if "\\" not in rest and '"' not in rest:
            for escape, character in _ESCAPES:
                inner = inner.replace(escape, character)
            return inner
    import ast

    value = ast.literal_eval(quoted)
    assert isinstance(value, str)
    return value


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """The catalogue of ``lang`` (empty for English, the language of the code)."""
    if lang == "en":
        return {}
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return read_po(_po_text(lang))


def _po_text(lang: str) -> str:
    """The text of ``locale/<lang>.po``: read from the package's folder (a plain file open: the
    catalogue is read at every start, and ``importlib.resources`` loads zipfile, tempfile and
    inspect), else through ``importlib.resources`` (a package in a zip file, say)."""
    try:
        with open(os.path.join(os.path.dirname(__file__), "locale", f"{lang}.po"), encoding="utf-8") as f:
            return f.read()
    except OSError:
        from importlib import resources

        return resources.files("kgkc_opt").joinpath("locale", f"{lang}.po").read_text(encoding="utf-8")


def say(text: str, lang: str) -> str:
    """``text`` (English, the key) in ``lang``; the English text where the catalogue has no entry."""
    return catalogue(lang).get(text, text) if lang != "en" else text
