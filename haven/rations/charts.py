"""Server-drawn charts: the runway fan chart as plain SVG coordinates (no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from haven.planning.forecast import NeedForecast, RunwayForecast
from haven.rations.choices import need_label

WIDTH, HEIGHT = 320, 160
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 8, 22


@dataclass(frozen=True, slots=True)
class FanChart:
    """One need's chart: stock band p10–p90 and median (share of today's stock), P(run out)."""

    need: str
    label: str
    band: str
    median: str
    risk: str
    risk_7: float
    risk_14: float
    risk_end: float
    median_stockout_day: int | None
    x_ticks: list[tuple[float, int]]
    y_ticks: list[tuple[float, int]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    bottom_edge: int = HEIGHT - BOTTOM


def _x(day: int, days: int) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * (day / max(days, 1))


def _y(share: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - min(max(share, 0.0), 1.0))


def _points(values: np.ndarray, days: int, start: float) -> list[tuple[float, float]]:
    return [(_x(0, days), _y(start))] + [
        (_x(day + 1, days), _y(float(value))) for day, value in enumerate(values)
    ]


def _path(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def risk_by(forecast: NeedForecast, day: int) -> float:
    """P(run out by `day`), or by the horizon if it is shorter."""
    probabilities = forecast.stockout_probability
    return float(probabilities[min(day, len(probabilities)) - 1]) if len(probabilities) else 0.0


def fan_chart(forecast: NeedForecast, days: int) -> FanChart:
    """Chart one need: everything is a share of the highest p90 stock (or of 1)."""
    top = float(max(np.max(forecast.stock_p90), forecast.stock_p50[0], 1e-9))
    start = float(forecast.stock_p50[0]) / top if len(forecast.stock_p50) else 0.0
    upper = _points(forecast.stock_p90 / top, days, start)
    lower = _points(forecast.stock_p10 / top, days, start)
    step = max(1, days // 6)
    return FanChart(
        need=forecast.need,
        label=need_label(forecast.need),
        band=_path(upper + lower[::-1]),
        median=_path(_points(forecast.stock_p50 / top, days, start)),
        risk=_path(_points(forecast.stockout_probability, days, 0.0)),
        risk_7=risk_by(forecast, 7),
        risk_14=risk_by(forecast, 14),
        risk_end=risk_by(forecast, days),
        median_stockout_day=forecast.median_stockout_day,
        x_ticks=[(_x(day, days), day) for day in range(0, days + 1, step)],
        y_ticks=[(_y(share / 100), share) for share in (0, 50, 100)],
    )


def fan_charts(result: RunwayForecast) -> list[FanChart]:
    return [fan_chart(need, result.horizon_days) for need in result.needs]
