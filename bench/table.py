"""The one table `make bench` ends with: each figure, its reference (measured in the same run, or the issue's target
where nothing measured applies), the ratio, and whether the target is met."""

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Figure:
    name: str
    value: float | str | None  # a string for a setting; None when the part did not run
    unit: str = ""
    reference: float | None = None
    reference_name: str = "target"  # or what was measured beside it, e.g. "bare Flask, same run"
    better: str = "higher"  # or "lower"
    target_ratio: float | None = None  # for a measured reference: the ratio to reach (e.g. 0.5)

    def ratio(self):
        if not isinstance(self.value, int | float) or not self.reference or math.isnan(self.value):
            return None
        return self.value / self.reference

    def wanted(self):
        """The ratio to reach: 1 against a target, the issue's ratio against a figure measured beside it."""
        return 1.0 if self.reference_name == "target" else self.target_ratio

    def met(self):
        if self.reference == 0 and isinstance(self.value, int | float):  # none allowed: no ratio to take
            return "yes" if self.value <= 0 else "no"
        ratio, wanted = self.ratio(), self.wanted()
        if ratio is None or wanted is None:
            return ""
        return "yes" if (ratio >= wanted if self.better == "higher" else ratio <= wanted) else "no"

    def cells(self):
        ratio, wanted = self.ratio(), self.wanted()
        sign = ">=" if self.better == "higher" else "<="
        return [
            self.name,
            _number(self.value, self.unit),
            f"{_number(self.reference, self.unit)} ({self.reference_name})" if self.reference is not None else "",
            "" if ratio is None else f"{ratio:.2f}",
            f"{sign} {wanted:g}" if wanted is not None and ratio is not None else "",
            self.met(),
        ]


def _number(value, unit):
    if value is None:
        return "not measured"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,} {unit}".strip()
    if math.isnan(value):
        return "n/a"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}"
    return f"{text} {unit}".strip()


def print_table(figures):
    header = ["figure", "measured", "reference", "ratio", "target ratio", "met"]
    rows = [header, ["---"] * len(header), *(figure.cells() for figure in figures)]
    print()
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")


def save_results(results):
    """A part run as its own process (bench.email_delivery, bench.invoices) hands its figures to the table."""
    path = os.environ.get("BENCH_RESULTS")
    if path:
        Path(path).write_text(json.dumps(results))


def load_results(path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):  # the part failed or did not run: its figures show as not measured
        return {}
