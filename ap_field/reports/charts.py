"""Charts drawn on the server as SVG geometry: pure arithmetic from a series of labelled
values to the rectangles, lines and labels a template draws, with no JavaScript.

Every chart keeps its numbers so the template can give the same figures as a table."""

from dataclasses import dataclass, field
from decimal import Decimal

WIDTH = 320
HEIGHT = 180
LEFT = 36  # room for the value axis labels
BOTTOM = 24  # room for the category labels
TOP = 8
LABELS_IN_FULL = 6
ROW_HEIGHT = 28  # a label line above each horizontal bar


@dataclass(frozen=True)
class Point:
    label: str
    value: Decimal | None
    text: str = ""  # the value in words, when a number would not say it

    @property
    def shown(self) -> str:
        if self.text:
            return self.text
        return "No figure" if self.value is None else f"{self.value:g}"


@dataclass(frozen=True)
class Bar:
    point: Point
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tick:
    value: Decimal
    y: float


@dataclass(frozen=True)
class Label:
    text: str
    x: float


@dataclass(frozen=True)
class Chart:
    """A chart's geometry: a viewBox of `width` by `height`, the plotting area's edges, and
    what sits in it."""

    width: int
    height: int
    bottom: float
    points: list[Point]
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    line: str = ""
    reference_y: float | None = None

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def _round(value: float) -> float:
    return round(value, 1)


def _scale(top: Decimal, plot_top: float, plot_bottom: float):
    def y_of(value: Decimal) -> float:
        share = min(max(float(value) / float(top), 0.0), 1.0)
        return _round(plot_bottom - share * (plot_bottom - plot_top))

    return y_of


def _ticks(top: Decimal, y_of, count: int = 4) -> list[Tick]:
    return [Tick(top * step / count, y_of(top * step / count)) for step in range(count + 1)]


def _labels(points: list[Point], centre_of) -> list[Label]:
    """A label under every point, or every other one when more than LABELS_IN_FULL."""
    every = 1 if len(points) <= LABELS_IN_FULL else 2
    return [
        Label(point.label, centre_of(index))
        for index, point in enumerate(points)
        if (len(points) - 1 - index) % every == 0
    ]


def columns(points: list[Point], top: Decimal, reference: Decimal | None = None) -> Chart:
    """Vertical bars from 0 to `top`, one per point, with an optional horizontal reference
    line (such as 25 hours). A point with no value has no bar but keeps its place."""
    plot_bottom = HEIGHT - BOTTOM
    y_of = _scale(top, TOP, plot_bottom)
    slot = (WIDTH - LEFT) / max(len(points), 1)
    bars = []
    for index, point in enumerate(points):
        if point.value is None:
            continue
        y = y_of(point.value)
        bars.append(
            Bar(point, _round(LEFT + index * slot + slot * 0.15), y, _round(slot * 0.7),
                _round(plot_bottom - y))
        )  # fmt: skip
    return Chart(
        WIDTH,
        HEIGHT,
        plot_bottom,
        points,
        bars=bars,
        ticks=_ticks(top, y_of),
        labels=_labels(points, lambda index: _round(LEFT + index * slot + slot / 2)),
        reference_y=y_of(reference) if reference is not None else None,
    )


def trend(points: list[Point], top: Decimal = Decimal(100)) -> Chart:
    """A line through the points from 0 to `top`, broken where a point has no value; each
    valued point also gets a marker (a zero-size bar at its position)."""
    plot_bottom = HEIGHT - BOTTOM
    y_of = _scale(top, TOP, plot_bottom)
    step = (WIDTH - LEFT - 16) / max(len(points) - 1, 1)
    segments, current, markers = [], [], []
    for index, point in enumerate(points):
        if point.value is None:
            if current:
                segments.append(current)
            current = []
            continue
        x, y = _round(LEFT + 8 + index * step), y_of(point.value)
        current.append(f"{x:g},{y:g}")
        markers.append(Bar(point, x, y, 0, 0))
    if current:
        segments.append(current)
    line = " ".join("M" + " L".join(segment) for segment in segments)
    return Chart(
        WIDTH,
        HEIGHT,
        plot_bottom,
        points,
        bars=markers,
        ticks=_ticks(top, y_of),
        labels=_labels(points, lambda index: _round(LEFT + 8 + index * step)),
        line=line,
    )


def rows(points: list[Point], top: Decimal) -> Chart:
    """Horizontal bars from 0 to `top`, one row per point, each label above its bar."""
    height = TOP + ROW_HEIGHT * len(points)
    usable = WIDTH - 8
    bars = []
    for index, point in enumerate(points):
        share = 0.0 if point.value is None else min(max(float(point.value / top), 0.0), 1.0)
        y = TOP + index * ROW_HEIGHT + 14
        bars.append(Bar(point, 0, y, _round(usable * share), 10))
    return Chart(WIDTH, height, height, points, bars=bars)
