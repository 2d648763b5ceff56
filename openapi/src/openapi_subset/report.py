"""What a cut did to the vendor spec: every fix (what, where, why), every parameter moved to the
runtime path, every operation refused and the reason. Printed by `cut`; read by tests."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Fix:
    """One change a `normalise` option made to the cut document."""

    option: str
    where: str
    what: str
    why: str

    def __str__(self) -> str:
        return f"fixed [{self.option}] {self.where}: {self.what} ({self.why})"


@dataclass(frozen=True)
class RuntimeOnly:
    """A parameter left out of a Gateway view because the Gateway cannot send it."""

    operation: str
    name: str
    location: str
    reason: str

    def __str__(self) -> str:
        return (
            f"runtime-only {self.operation}: {self.name} ({self.location}) left out of the view: "
            f"{self.reason}; the runtime path can still send it"
        )


@dataclass(frozen=True)
class Refusal:
    """A selected operation the view cannot offer."""

    operation: str
    method: str
    path: str
    reason: str

    def __str__(self) -> str:
        return f"refused {self.operation} ({self.method.upper()} {self.path}): {self.reason}"


@dataclass
class CutReport:
    """Everything one view's cut changed, moved or refused."""

    view: str
    output: str
    selected: list[str] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)
    runtime_only: list[RuntimeOnly] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)

    def fix(self, option: str, where: str, what: str, why: str) -> None:
        """Record a change (the same change at the same place is recorded once)."""
        entry = Fix(option, where, what, why)
        if entry not in self.fixes:
            self.fixes.append(entry)

    @property
    def kept(self) -> list[str]:
        """The selected operations the view offers."""
        refused = {refusal.operation for refusal in self.refused}
        return [op_id for op_id in self.selected if op_id not in refused]

    def lines(self) -> list[str]:
        """The report as printed: a summary line, then one line per entry."""
        head = (
            f"{self.view} ({self.output}): {len(self.kept)} of {len(self.selected)} "
            "selected operations kept"
        )
        entries = [*self.fixes, *self.runtime_only, *self.refused]
        return [head, *(f"  {entry}" for entry in entries)]
