"""One ``name: value unit`` line per figure, flushed at once, and remembered for the verdicts.

Flushing matters: the whole run takes minutes, and if a later phase fails (or the run is stopped)
the figures already measured must still be on the screen and in any log that captured stdout.
"""

from __future__ import annotations

import statistics

FIGURES: dict[str, float] = {}


def emit(name: str, value: float | int | str, unit: str = "", digits: int = 1) -> None:
    """Print one figure; floats get ``digits`` decimals so columns stay comparable between runs."""
    shown = f"{value:.{digits}f}" if isinstance(value, float) else str(value)
    if isinstance(value, (int, float)):
        FIGURES[name] = float(value)
    print(f"{name}: {shown} {unit}".rstrip(), flush=True)


def passthrough(line: str) -> None:
    """Print a line another tool already formatted as ``name: value unit``, remembering its value."""
    name, _, rest = line.partition(":")
    try:
        FIGURES[name.strip()] = float(rest.split()[0])
    except (IndexError, ValueError):
        pass
    print(line, flush=True)


def percentile(values: list[float], pct: int) -> float:
    """Linear-interpolated percentile (``statistics.quantiles``, inclusive); NaN for no data.

    Inclusive interpolation keeps p99 of 200 samples between the two largest values instead of
    extrapolating past the worst request actually seen.
    """
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]
