"""The History charts on a phone: text of 12 px or more in a 360 px column, the
scale's words on the value axis in both languages, one shaded colour with its legend,
flagged days marked by shape, and each chart said in words for its alt text."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

import diary.views
from diary.charts import BAND, FLAGGED, LIMIT, LINE
from tests.conftest import login
from tests.factories import record

SVG = "{http://www.w3.org/2000/svg}"
JA = {"HTTP_ACCEPT_LANGUAGE": "ja-JP,ja;q=0.9"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
PHONE_COLUMN = 360  # CSS px: a 390 px phone less the page's margins


def chart(client, treatment, symptom: str, language=EN) -> ET.Element:
    response = client.get(reverse("diary:chart", args=[treatment.pk, symptom]), **language)
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 -- our own server's SVG


def group(svg: ET.Element, gid: str) -> ET.Element | None:
    return next((g for g in svg.iter(f"{SVG}g") if g.get("id") == gid), None)


def tick_labels(svg: ET.Element, axis: str) -> list[str]:
    """The labels of `axis`'s ticks ("x" or "y"), the lines of each joined by a space."""
    labels = [
        " ".join(t.text for t in g.iter(f"{SVG}text"))
        for g in svg.iter(f"{SVG}g")
        if re.fullmatch(f"{axis}tick_\\d+", g.get("id", ""))
    ]
    return [label for label in labels if label]  # minor ticks have none


@pytest.fixture
def logged(client, treatment):
    record(treatment, 0, redness=3, pain=5)
    record(treatment, 1, redness=2, pain=6)  # pain above day 1's limit of 4: flagged
    record(treatment, 2, redness=4, pain=3)  # redness above day 2's limit of 3: flagged
    login(client, treatment.patient)
    return treatment


@pytest.mark.parametrize("language", [EN, JA], ids=["en", "ja"])
@pytest.mark.parametrize("symptom", ["redness", "bruising", "peeling", "pain"])
def test_every_text_of_a_chart_shows_at_12_px_or_more_in_a_360_px_column(
    client, logged, symptom, language
):
    svg = chart(client, logged, symptom, language)
    # The <img> is as wide as its column: the SVG's user units are scaled by the
    # column's width over the viewBox's.
    assert (svg.get("width"), svg.get("viewBox").split()[2]) == ("288pt", "288")
    scale = PHONE_COLUMN / 288
    texts = list(svg.iter(f"{SVG}text"))
    sizes = [float(re.search(r"font-size: ([\d.]+)px", t.get("style"))[1]) for t in texts]
    assert len(texts) >= 16  # the title, ticks, axis label and legend
    assert min(sizes) * scale == 12.5
    assert max(sizes) * scale == 15.0  # the title


def test_the_value_axis_says_the_scales_words_in_english_and_japanese(client, logged):
    assert tick_labels(chart(client, logged, "redness"), "y") == [
        "none", "slight", "mild", "moderate", "severe",
    ]  # fmt: skip
    assert tick_labels(chart(client, logged, "redness", JA), "y") == [
        "なし", "ごく軽度", "軽度", "中等度", "重度",
    ]  # fmt: skip
    assert tick_labels(chart(client, logged, "pain"), "y") == [
        "no pain 0", "2", "4", "6", "8", "worst imaginable 10",
    ]  # fmt: skip
    assert tick_labels(chart(client, logged, "pain", JA), "y") == [
        "痛みなし 0", "2", "4", "6", "8", "想像できる 最悪の痛み 10",
    ]  # fmt: skip


def test_the_day_axis_numbers_every_day_to_day_10_then_every_other_day(client, logged):
    assert tick_labels(chart(client, logged, "redness"), "x") == [
        "0", "2", "4", "6", "8", "10", "12", "14",
    ]  # fmt: skip


def test_one_shaded_colour_the_usual_range_with_a_dashed_limit_and_a_legend(client, logged):
    svg = chart(client, logged, "redness")
    raw = ET.tostring(svg, encoding="unicode")
    # White (the background, the triangles' edge), the band, the line's dots and the
    # flagged triangle: no second green.
    assert set(re.findall(r"fill: (#[0-9a-f]{6})", raw)) == {
        "#ffffff", BAND, LINE, FLAGGED,
    }  # fmt: skip
    (band,) = group(svg, "usual-range").iter(f"{SVG}use")
    assert "fill: #cde8d6" in band.get("style")
    (limit,) = group(svg, "limit").iter(f"{SVG}path")
    assert f"stroke: {LIMIT}" in limit.get("style")
    assert "stroke-dasharray" in limit.get("style")
    legend = [t.text for t in group(svg, "legend_1").iter(f"{SVG}text")]
    assert legend == [
        "Usual range for this day",
        "Above the dashed line, the clinic takes a look",
        "Entries",
        "Flagged for the clinic",
    ]
    ja = chart(client, logged, "redness", JA)
    assert [t.text for t in group(ja, "legend_1").iter(f"{SVG}text")] == [
        "この日の通常の範囲",
        "破線より上はクリニックが確認します",
        "記録",
        "クリニックが確認する日",
    ]


def marker_path(svg: ET.Element, gid: str) -> str:
    """The outline of the marker drawn at each point of `gid`'s line."""
    (path,) = group(svg, gid).iter(f"{SVG}defs")
    return path.find(f"{SVG}path").get("d")


def test_a_flagged_day_is_a_larger_triangle_not_only_another_colour(client, logged):
    svg = chart(client, logged, "redness")
    dot, triangle = marker_path(svg, "entries"), marker_path(svg, "flagged")
    assert " C " in f" {dot} "  # a circle, drawn with curves
    assert triangle.split() == [
        "M",
        "0",
        "-5.5",
        "L",
        "-5.5",
        "5.5",
        "L",
        "5.5",
        "5.5",
        "z",
    ]
    (flagged,) = group(svg, "flagged").iter(f"{SVG}use")
    assert "fill: #c2410c" in flagged.get("style")


def test_only_the_days_flagged_for_the_charts_own_symptom_get_a_triangle(client, treatment):
    record(treatment, 1, redness=1, pain=6)  # pain is flagged, redness is not
    login(client, treatment.patient)
    assert group(chart(client, treatment, "redness"), "flagged") is None
    assert (
        len(list(group(chart(client, treatment, "pain"), "flagged").iter(f"{SVG}use"))) == 1
    )


def test_a_chart_is_drawn_once_per_language_until_an_entry_changes(
    client, logged, monkeypatch
):
    drawn = []
    draw = diary.views.symptom_chart_svg
    monkeypatch.setattr(
        diary.views, "symptom_chart_svg", lambda **kw: drawn.append(1) or draw(**kw)
    )
    url = reverse("diary:chart", args=[logged.pk, "pain"])
    english = client.get(url, **EN).content
    assert client.get(url, **EN).content == english
    japanese = client.get(url, **JA).content
    assert client.get(url, **JA).content == japanese != english
    assert len(drawn) == 2
    record(logged, 3, pain=1)
    assert client.get(url, **EN).content != english
    assert len(drawn) == 3


def test_history_says_each_chart_in_words_for_its_alt_text(client, logged):
    history = client.get(reverse("diary:history", args=[logged.pk]), **EN).text
    assert (
        'alt="Redness from day 0 to day 2: highest on day 2, severe (4 of 4); on day 2, '
        'severe (4 of 4). Flagged for the clinic: day 2."' in history
    )
    assert (
        'alt="Pain from day 0 to day 2: highest on day 1, 6 of 10; on day 2, 3 of 10. '
        'Flagged for the clinic: day 1."' in history
    )
    assert 'alt="Bruising from day 0 to day 2: highest on day 0, slight (1 of 4); on day 2, slight (1 of 4)."' in history  # fmt: skip
    assert "the shaded band is the usual range for that day" in history
    ja = client.get(reverse("diary:history", args=[logged.pk]), **JA).text
    assert (
        'alt="赤み（0日目〜2日目）：最も強かったのは2日目の重度（4/4）、'
        '2日目は重度（4/4）。クリニックが確認する日：2日目。"' in ja
    )


def test_a_chart_with_no_entries_says_so(client, treatment):
    login(client, treatment.patient)
    history = client.get(reverse("diary:history", args=[treatment.pk]), **EN).text
    assert 'alt="Redness: no entries yet."' in history
    record(treatment, 1, pain=0)
    history = client.get(reverse("diary:history", args=[treatment.pk]), **EN).text
    assert 'alt="Pain on day 1: no pain (0 of 10)."' in history
