"""The benchmark's results: figures with their repetitions, anchors, targets and peak memory.

A figure keeps every repetition; the table prints the median and the spread (min-max). A figure
may name anchors (other figures of the same run: OCA queue_job, raw PostgreSQL...): each is
printed on the line below it with the ratio of the two medians, so every claim is checked
against its reference on the same machine at the same time. A target applies to the median, or
with ``on_ratio`` to the ratio to the first anchor.
"""

import os
import statistics
from dataclasses import dataclass, field


@dataclass
class Figure:
    key: str
    label: str
    unit: str
    anchors: tuple = ()
    target: tuple | None = None  # (">=" or "<=", value, on_ratio)
    is_anchor: bool = False  # printed only below the figures that name it
    samples: list = field(default_factory=list)
    memory: list = field(default_factory=list)  # peak MiB of each repetition
    notes: list = field(default_factory=list)

    @property
    def median(self):
        return statistics.median(self.samples) if self.samples else None

    def spread(self):
        if len(self.samples) < 2:
            return ""
        return f"{_number(min(self.samples))}-{_number(max(self.samples))}"


class Report:
    """Figures in the order they were declared; prints one table."""

    def __init__(self):
        self.figures = {}
        self.loads = []

    def declare(self, key, label, unit, anchors=(), target=None, is_anchor=False):
        if key not in self.figures:
            self.figures[key] = Figure(key, label, unit, tuple(anchors), target, is_anchor)
        return self.figures[key]

    def add(self, key, value, memory=None, note=None):
        """Record one repetition of the declared figure ``key``."""
        figure = self.figures[key]
        if value is not None:
            figure.samples.append(value)
        if memory is not None:
            figure.memory.append(memory)
        if note and note not in figure.notes:
            figure.notes.append(note)
        extra = f" (peak {memory:,.0f} MiB)" if memory else ""
        print(f"  {figure.label}: {_number(value)} {figure.unit}{extra}", flush=True)

    def note(self, key, note):
        if note not in self.figures[key].notes:
            self.figures[key].notes.append(note)

    def sample_load(self):
        self.loads.append(os.getloadavg()[0])

    def ratio(self, figure, anchor_key):
        anchor = self.figures.get(anchor_key)
        if not anchor or not anchor.median or figure.median is None:
            return None
        return figure.median / anchor.median

    def verdict(self, figure):
        """'ok', 'MISS' or '' (no target, or nothing measured)."""
        if not figure.target:
            return ""
        operator, value, on_ratio = figure.target
        measured = self.ratio(figure, figure.anchors[0]) if on_ratio else figure.median
        if measured is None:
            return ""
        passed = measured >= value if operator == ">=" else measured <= value
        return "ok" if passed else "MISS"

    def lines(self):
        """The table as a list of text lines: a figure, then its anchors below it."""
        header = (
            f"{'measure':<50} {'median':>9} {'min-max':>15} {'unit':<6} {'ratio':>8}"
            f" {'target':>15} {'peak MiB':>8}"
        )
        lines = [header, "-" * len(header)]
        for figure in self.figures.values():
            if figure.is_anchor:
                continue
            lines.append(self._line(figure, figure.label, "", self._target(figure)))
            for key in figure.anchors:
                anchor = self.figures.get(key)
                if anchor:
                    ratio = self.ratio(figure, key)
                    ratio = f"{ratio:.2f}x" if ratio is not None else "-"
                    lines.append(self._line(anchor, f"  vs {anchor.label}", ratio, ""))
        notes = [f"- {f.label}: {'; '.join(f.notes)}" for f in self.figures.values() if f.notes]
        if notes:
            lines += ["", "Notes:", *notes]
        return lines

    def _target(self, figure):
        if not figure.target:
            return ""
        operator, value, on_ratio = figure.target
        return f"{operator}{_number(value)}{'x' if on_ratio else ''} {self.verdict(figure)}"

    def _line(self, figure, label, ratio, target):
        memory = f"{max(figure.memory):,.0f}" if figure.memory else ""
        return (
            f"{label[:50]:<50} {_number(figure.median):>9} {figure.spread():>15} "
            f"{figure.unit:<6} {ratio:>8} {target:>15} {memory:>8}"
        )

    def print_table(self, machine):
        print()
        for label, value in machine:
            print(f"{label + ':':<14} {value}")
        if self.loads:
            loads = sorted(self.loads)
            print(
                f"{'load (1 min):':<14} median {statistics.median(loads):.2f}, "
                f"min {loads[0]:.2f}, max {loads[-1]:.2f}, sampled at each measurement"
            )
        print()
        for line in self.lines():
            print(line)


def _number(value):
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"
