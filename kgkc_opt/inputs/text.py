"""A label in Vietnamese and English (``Text``) and its reader (``parse_text``): ``{vi, en}`` or one
string for both languages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kgkc_opt.inputs.reader import Collector, join


@dataclass(frozen=True)
class Text:
    """A label in Vietnamese and English."""

    vi: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


def parse_text(c: Collector, value: Any, where: str) -> Text | None:
    if isinstance(value, str):
        return Text(vi=value, en=value)
    data = c.mapping(value, where)
    if data is None:
        return None
    c.known_keys(data, where, ("vi", "en"))
    vi = c.text(c.required(data, "vi", where), join(where, "vi"))
    en = data.get("en", vi)
    en_text = c.text(en, join(where, "en")) if en is not None else vi
    if vi is None:
        return None
    return Text(vi=vi, en=en_text or vi)
