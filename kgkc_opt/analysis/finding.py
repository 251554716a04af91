"""One audit finding (``Finding``) and how the audit writes money in a message (``m``): shared by
``analysis.audit`` and the checks it calls (``analysis.audit_rules``)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Finding:
    severity: str
    code: str
    message: str
    sources: tuple[str, ...]

    def __str__(self) -> str:
        return f"[{self.severity}] {self.code}: {self.message} ({'; '.join(self.sources)})"

    def to_dict(self) -> dict[str, object]:
        return {"severity": self.severity, "code": self.code, "message": self.message,
                "sources": list(self.sources)}


def m(value: Fraction | int) -> str:
    """Money for a message: 24.051 → '24,051'; 17.88 stays exact."""
    value = Fraction(value)
    if value.denominator == 1:
        return f"{value.numerator:,}"
    text = f"{float(value):,.4f}".rstrip("0").rstrip(".")
    return text
