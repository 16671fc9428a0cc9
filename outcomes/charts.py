"""Charts for the outcomes page: resolution curves and the spread by day."""

import base64
import hashlib
import io

import matplotlib
from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

import diary.charts  # noqa: F401 -- the font that measures Japanese labels
from recovery.course import Course
from recovery.scales import Symptom

COLOURS = ("#1d4f91", "#c2410c", "#2f855a")


def _figure() -> Figure:
    # A fixed layout: the constrained layout engine took as long as the drawing.
    figure = Figure(figsize=(5.2, 2.4))
    figure.subplots_adjust(left=0.12, right=0.98, top=0.88, bottom=0.2)
    return figure


def _memoised(render):
    """Cache a chart by the numbers it draws: the same data always gives the same
    SVG, so managers re-opening a comparison do not wait for matplotlib."""

    def cached(symptom, cohorts, *args):
        key = "outcome-chart:" + hashlib.sha256(
            repr((render.__name__, symptom.code, [c.chart_data(symptom.code) for c in cohorts],
                  args, get_language())).encode()
        ).hexdigest()  # fmt: skip
        return cache.get_or_set(key, lambda: render(symptom, cohorts, *args), 3600)

    return cached


def _finish(figure: Figure, axes, title: str) -> str:
    """The parts both charts share: day axis, title, legend; returned as a data URI."""
    axes.set_xlabel(_("Day after treatment"))
    axes.set_title(title, loc="left", fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=7, frameon=False)
    return _data_uri(figure)


def _data_uri(figure: Figure) -> str:
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "downtime-diary"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@_memoised
def resolution_chart(symptom: Symptom, cohorts: list) -> str:
    """Kaplan-Meier curves: the share not yet resolved, day by day, per cohort."""
    figure = _figure()
    axes = figure.add_subplot()
    for colour, cohort in zip(COLOURS, cohorts, strict=False):
        steps = cohort.resolution[symptom.code].steps
        days = [0] + [s.time for s in steps]
        share = [1.0] + [s.survival for s in steps]
        axes.step(days, share, where="post", color=colour, label=cohort.label[:40])
    axes.set_ylim(-0.02, 1.02)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel(_("not yet resolved"))
    return _finish(
        figure, axes, _("%(symptom)s: time to 1 or less") % {"symptom": _(symptom.label)}
    )


@_memoised
def spread_chart(symptom: Symptom, cohorts: list, course: Course | None) -> str:
    """Each cohort's median and 25th-75th percentile by day over the course band."""
    figure = _figure()
    axes = figure.add_subplot()
    if course is not None:
        days = list(range(15))
        bands = [course.band(symptom.code, d) for d in days]
        axes.fill_between(days, 0, [b.upper for b in bands], step="mid", color="#d8ecdf",
                          label=_("course: within range"), linewidth=0)  # fmt: skip
    for colour, cohort in zip(COLOURS, cohorts, strict=False):
        spreads = cohort.spreads[symptom.code]
        days = [s.day for s in spreads]
        axes.fill_between(days, [s.low for s in spreads], [s.high for s in spreads],
                          color=colour, alpha=0.15, linewidth=0)  # fmt: skip
        axes.plot(days, [s.median for s in spreads], color=colour, label=cohort.label[:40])
    axes.set_ylim(-0.2, symptom.maximum + 0.2)
    title = _("%(symptom)s: median and middle half") % {"symptom": _(symptom.label)}
    return _finish(figure, axes, title)
