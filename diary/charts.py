"""One chart per symptom: the usual range of each day as one shaded band, the limit
above which the clinic takes a look as a dashed line, and the patient's values drawn
over them, flagged days as triangles. Rendered by matplotlib to SVG on the server, in
the language of the request (the view caches it per language)."""

import importlib.util
import io
import textwrap
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import matplotlib
from django.utils.translation import gettext as _
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

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

# The SVG is scaled to the width of its column: about 360 CSS px on a 390 px phone.
# A figure 4 inches (288 pt) wide shows there at 360 / 288 = 1.25 px per pt, so the
# smallest text, 10 pt, reads at 12.5 px (the 6.4-inch figure with 7 pt legend text
# showed at 5.6 px). tests/diary/test_charts.py measures it in the SVG itself.
WIDTH_INCHES = 4.0
PHONE_COLUMN_PX = 360
TEXT_PT = 10
TITLE_PT = 12

BAND = "#cde8d6"  # the usual range: the only shaded colour
LIMIT = "#3f4a45"  # the limit line, dashed
LINE = "#1d4f91"
FLAGGED = "#c2410c"
# Grades are whole numbers: the band reaches a quarter grade beyond the usual values,
# so a dot on its edge sits inside it and a usual range of 0 to 0 still shows. The
# limit is drawn half a grade above the highest value that raises no flag: every dot
# above the line is flagged, none on it.
BAND_MARGIN = 0.25
LIMIT_OFFSET = 0.5


def symptom_chart_svg(
    *,
    course: Course,
    symptom: Symptom,
    points: Sequence[tuple[int, int, bool]],
    last_day: int,
) -> bytes:
    """Return an SVG chart of `points` (day, value, flagged) against the course's
    usual range and limit for each day from 0 to `last_day`, labelled in the active
    language. Its groups carry ids for the tests: `usual-range`, `limit`, `entries`,
    `flagged`."""
    days = list(range(last_day + 1))
    bands = [course.band(symptom.code, day) for day in days]
    # A Figure without pyplot: no global state, safe in a threaded server.
    figure = Figure(figsize=(WIDTH_INCHES, 3.9), layout="constrained")
    axes = figure.add_subplot()
    # Each day's band and limit span that day's width: from half a day before to half
    # a day after (steps drawn from the left edge of each day).
    edges = [day - 0.5 for day in days] + [last_day + 0.5]
    bands.append(bands[-1])
    axes.fill_between(
        edges,
        [b.typical_low - BAND_MARGIN for b in bands],
        [b.typical_high + BAND_MARGIN for b in bands],
        step="post",
        color=BAND,
        linewidth=0,
        gid="usual-range",
    )
    axes.step(
        edges,
        [b.upper + LIMIT_OFFSET for b in bands],
        where="post",
        color=LIMIT,
        linestyle=(0, (4, 2)),
        linewidth=1.4,
        gid="limit",
    )
    if points:
        axes.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            color=LINE,
            marker="o",
            markersize=5,
            linewidth=1.8,
            gid="entries",
        )
        flagged = [p for p in points if p[2]]
        if flagged:
            # A triangle, larger than the dots and edged in white: told apart by its
            # shape as well as its colour.
            axes.plot(
                [p[0] for p in flagged],
                [p[1] for p in flagged],
                linestyle="none",
                marker="^",
                markersize=11,
                markerfacecolor=FLAGGED,
                markeredgecolor="#ffffff",
                markeredgewidth=1.2,
                gid="flagged",
            )
    axes.set_xlim(-0.5, last_day + 0.5)
    # Just under the line of a limit at the top grade, which nothing can pass.
    axes.set_ylim(-0.5, symptom.maximum + LIMIT_OFFSET - 0.05)
    ticks, tick_labels = _value_ticks(symptom)
    axes.set_yticks(ticks, tick_labels)
    # A number under every day up to day 10; after that every other day (two-digit
    # numbers at 12 px run together), with a tick still marking each day.
    axes.set_xticks(days if last_day <= 10 else range(0, last_day + 1, 2))
    axes.set_xticks(days if last_day <= 30 else [], minor=True)
    axes.tick_params(labelsize=TEXT_PT)
    axes.set_xlabel(_("Day after treatment"), fontsize=TEXT_PT)
    axes.set_title(_(symptom.label), loc="left", fontsize=TITLE_PT, fontweight="bold")
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#e6e8eb", linewidth=0.8)
    axes.set_axisbelow(True)
    figure.legend(
        handles=_legend_handles(),
        loc="outside lower left",
        fontsize=TEXT_PT,
        frameon=False,
        ncols=1,
        handlelength=1.8,
    )
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "downtime-diary"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _value_ticks(symptom: Symptom) -> tuple[list[int], list[str]]:
    """The value axis in the scale's words: every grade of a 0-4 scale by its word;
    pain by its numbers, with its words at the two ends."""
    if symptom.maximum <= 4:
        ticks = list(range(symptom.maximum + 1))
        return ticks, [_(symptom.word(value)) or str(value) for value in ticks]
    ticks = list(range(0, symptom.maximum + 1, 2))
    labels = [str(value) for value in ticks]
    for end in (0, -1):
        word = symptom.word(ticks[end])
        if word:
            labels[end] = f"{_wrap(_(word))} {ticks[end]}"
    return ticks, labels


def _wrap(text: str, columns: int = 11) -> str:
    """Break a tick label into short lines, keeping the value axis narrow: at spaces,
    or for Japanese (no spaces, each character two columns wide) every few
    characters."""
    if " " in text:
        return textwrap.fill(text, columns)
    width = 2 if any(unicodedata.east_asian_width(c) in "WF" for c in text) else 1
    per_line = max(1, columns // width)
    return "\n".join(text[i : i + per_line] for i in range(0, len(text), per_line))


def _legend_handles() -> list:
    return [
        Patch(facecolor=BAND, label=_("Usual range for this day")),
        Line2D([], [], color=LIMIT, linestyle=(0, (4, 2)), linewidth=1.4,
               label=_("Above the dashed line, the clinic takes a look")),
        Line2D([], [], color=LINE, marker="o", markersize=5, linewidth=1.8,
               label=_("Entries")),
        Line2D([], [], color=FLAGGED, marker="^", markersize=11, linestyle="none",
               markeredgecolor="#ffffff", label=_("Flagged for the clinic")),
    ]  # fmt: skip
