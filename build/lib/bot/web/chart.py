"""A grouped bar chart laid out for server-rendered SVG (no script, prints well)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

TOP = 16
BOTTOM = 40
LEFT = 48
RIGHT = 8


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its box, its value and the series it belongs to."""

    x: float
    y: float
    width: float
    height: float
    value: int
    series: int


@dataclass(frozen=True, slots=True)
class Group:
    """The label under a group of bars, and the bars."""

    label: str
    centre: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True, slots=True)
class Tick:
    """A horizontal grid line with its value."""

    y: float
    value: int


@dataclass(frozen=True, slots=True)
class Chart:
    """Everything the template draws."""

    width: int
    height: int
    left: int
    baseline: float
    groups: tuple[Group, ...]
    ticks: tuple[Tick, ...]


def nice_step(top: int, wanted: int = 5) -> int:
    """A round step (1, 2, 5 times a power of ten) giving about ``wanted`` grid lines."""
    raw = max(top / wanted, 1)
    power = 10 ** math.floor(math.log10(raw))
    return next(int(f * power) for f in (1, 2, 5, 10) if f * power >= raw)


def bar_chart(
    groups: Sequence[tuple[str, Sequence[int]]], width: int = 720, height: int = 300
) -> Chart:
    """Lay out one group of bars per label, one bar per series, on a shared scale."""
    top_value = max((v for _, values in groups for v in values), default=0)
    step = nice_step(top_value)
    scale_top = max(step * math.ceil(top_value / step), step)
    plot_height = height - TOP - BOTTOM
    baseline = height - BOTTOM
    slot = (width - LEFT - RIGHT) / max(len(groups), 1)
    laid: list[Group] = []
    for index, (label, values) in enumerate(groups):
        bar_width = slot * 0.8 / max(len(values), 1)
        start = LEFT + index * slot + slot * 0.1
        bars = []
        for series, value in enumerate(values):
            bar_height = plot_height * value / scale_top
            bars.append(
                Bar(
                    x=round(start + series * bar_width, 1),
                    y=round(baseline - bar_height, 1),
                    width=round(bar_width - 2, 1),
                    height=round(bar_height, 1),
                    value=value,
                    series=series,
                )
            )
        laid.append(Group(label, round(LEFT + (index + 0.5) * slot, 1), tuple(bars)))
    ticks = tuple(
        Tick(round(baseline - plot_height * value / scale_top, 1), value)
        for value in range(0, scale_top + 1, step)
    )
    return Chart(width, height, LEFT, baseline, tuple(laid), ticks)
