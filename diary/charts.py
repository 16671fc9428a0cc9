"""One chart per symptom: the course's expected band for each day, shaded, and the
patient's values drawn over it. Rendered by matplotlib to SVG on the server."""

import importlib.util
import io
from collections.abc import Sequence
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure

from recovery.course import Course
from recovery.scales import Symptom


def _japanese_font() -> None:
    """Let matplotlib measure Japanese labels. It sizes text with its own fonts, and
    DejaVu Sans has no Japanese glyphs: labels came out too narrow for the legend and
    the title, with a warning per glyph. IPAexGothic (matplotlib-fontja, found without
    importing the package, whose import changes the font of every chart) measures
    them; the SVG keeps the text as text and ends its font list with sans-serif, so
    the browser draws it with the phone's own fonts. Every chart of the app (the
    outcomes charts too, which import this module) uses this font list."""
    spec = importlib.util.find_spec("matplotlib_fontja")
    fonts = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    font_manager.fontManager.addfont(str(fonts / "ipaexg.ttf"))
    matplotlib.rcParams["font.family"] = ["DejaVu Sans", "IPAexGothic", "sans-serif"]


_japanese_font()

BAND_NORMAL = "#d8ecdf"  # up to the day's upper limit
BAND_TYPICAL = "#9fd0b2"  # the typical range
LINE = "#1d4f91"
FLAGGED = "#c2410c"


def symptom_chart_svg(
    *,
    course: Course,
    symptom: Symptom,
    points: Sequence[tuple[int, int, bool]],
    last_day: int,
    labels: dict[str, str],
) -> bytes:
    """Return an SVG chart of `points` (day, value, flagged) against the course band."""
    days = list(range(last_day + 1))
    bands = [course.band(symptom.code, day) for day in days]
    # A Figure without pyplot: no global state, safe in a threaded server.
    figure = Figure(figsize=(6.4, 2.5), layout="constrained")
    axes = figure.add_subplot()
    axes.fill_between(
        days,
        0,
        [b.upper for b in bands],
        step="mid",
        color=BAND_NORMAL,
        label=labels["normal"],
        linewidth=0,
    )
    axes.fill_between(
        days,
        [b.typical_low for b in bands],
        [b.typical_high for b in bands],
        step="mid",
        color=BAND_TYPICAL,
        label=labels["typical"],
        linewidth=0,
    )
    if points:
        axes.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            color=LINE,
            marker="o",
            markersize=5,
            linewidth=1.8,
            label=labels["values"],
        )
        flagged = [p for p in points if p[2]]
        if flagged:
            axes.plot(
                [p[0] for p in flagged],
                [p[1] for p in flagged],
                linestyle="none",
                marker="o",
                markersize=8,
                markerfacecolor="none",
                markeredgewidth=2,
                color=FLAGGED,
                label=labels["flagged"],
            )
    axes.set_xlim(-0.5, last_day + 0.5)
    axes.set_ylim(-0.3, symptom.maximum + 0.3)
    axes.set_yticks(range(0, symptom.maximum + 1, 1 if symptom.maximum <= 4 else 2))
    axes.set_xticks(days if last_day <= 16 else range(0, last_day + 1, 2))
    axes.set_xlabel(labels["x"])
    axes.set_title(labels["title"], loc="left", fontsize=11, fontweight="bold")
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper right", fontsize=7, frameon=False, ncols=2)
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "downtime-diary"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
