"""The SITREP's two small charts, drawn on the server as SVG coordinates (no JavaScript):
population in camp at each day's end, and deaths each day, over the last 30 days."""

from __future__ import annotations

from dataclasses import dataclass

from haven.sitrep.figures import DayPoint

WIDTH, HEIGHT = 300, 90
LEFT, RIGHT, TOP, BOTTOM = 30, 4, 6, 16


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart: a line (points) or bars, the top of its scale and its first/last days."""

    title: str
    top: int
    points: str
    bars: list[Bar]
    first: str
    last: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    bottom_edge: int = HEIGHT - BOTTOM
    top_edge: int = TOP


def _scale(values: list[int]) -> int:
    return max(max(values, default=0), 1)


def _x(index: int, count: int) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * (index / max(count - 1, 1))


def _y(value: float, top: int) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top)


def population_chart(series: list[DayPoint], title: str) -> Chart:
    top = _scale([point.population for point in series])
    points = " ".join(
        f"{_x(i, len(series)):.1f},{_y(point.population, top):.1f}"
        for i, point in enumerate(series)
    )
    return Chart(title, top, points, [], _day(series, 0), _day(series, -1))


def deaths_chart(series: list[DayPoint], title: str) -> Chart:
    top = _scale([point.deaths for point in series])
    step = (WIDTH - LEFT - RIGHT) / max(len(series), 1)
    bars = []
    for i, point in enumerate(series):
        y = _y(point.deaths, top)
        bars.append(
            Bar(
                x=round(LEFT + i * step + step * 0.1, 1),
                y=round(y, 1),
                width=round(step * 0.8, 1),
                height=round(HEIGHT - BOTTOM - y, 1),
                title=f"{point.day:%d %b}: {point.deaths}",
            )
        )
    return Chart(title, top, "", bars, _day(series, 0), _day(series, -1))


def _day(series: list[DayPoint], index: int) -> str:
    return f"{series[index].day:%d %b}" if series else ""
