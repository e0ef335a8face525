"""The note a fault run leaves: for each fault, where it struck, how long until the job moved again, its ledger."""

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class FaultReport:
    path: Path
    rows: list[str] = field(default_factory=list)

    def record(self, fault: str, struck: str, recovery_seconds: float | None, ledger: str) -> None:
        recovery = "-" if recovery_seconds is None else f"{recovery_seconds:.1f} s"
        self.rows.append(f"| {fault} | {struck} | {recovery} | {ledger} |")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text("| fault | struck during | back to progress | ledger |\n|---|---|---|---|\n"
                             + "\n".join(self.rows) + "\n")
        print(self.rows[-1])
