"""Sentences and lists joined as each language writes them, and the error page without
an inline style (the CSP blocks it)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from diary.templatetags.diary_tags import join_sentences, join_words


@pytest.mark.parametrize(
    ("first", "second", "joined"),
    [
        ("Your pain is high.", "Contact your clinic now.",
         "Your pain is high. Contact your clinic now."),
        ("痛みが強い状態です。", "すぐにクリニックへご連絡ください。",
         "痛みが強い状態です。すぐにクリニックへご連絡ください。"),
        ("発熱がありますか？", "ご連絡ください。", "発熱がありますか？ご連絡ください。"),
        ("痛みが強い状態です。 ", " ご連絡ください。", "痛みが強い状態です。ご連絡ください。"),
        ("Only one.", "", "Only one."),
        ("", "Only the other.", "Only the other."),
        (None, None, ""),
    ],
)  # fmt: skip
def test_join_sentences_puts_no_space_after_a_japanese_full_stop(first, second, joined):
    assert join_sentences(first, second) == joined


def test_join_sentences_joins_a_flag_and_its_next_step_in_a_template():
    template = Template("{% load diary_tags %}{{ message|join_sentences:step }}")
    context = Context(
        {"message": "赤みが強い状態です。", "step": "<b>ご連絡ください。</b>"}
    )
    assert (
        template.render(context)
        == "赤みが強い状態です。&lt;b&gt;ご連絡ください。&lt;/b&gt;"
    )


def test_join_words_lists_with_the_languages_separator():
    with translation.override("en"):
        assert join_words(["Makeup", "Sauna"]) == "Makeup, Sauna"
    with translation.override("ja"):
        assert join_words(["メイク", "サウナ"]) == "メイク、サウナ"


def test_the_error_page_has_no_inline_style_and_takes_its_look_from_the_css():
    html = render_to_string("500.html")
    assert "style=" not in html and "<style" not in html
    assert '<body class="error-page">' in html
    assert '<link rel="stylesheet" href="/static/css/diary.css">' in html
    css = (Path(settings.BASE_DIR) / "static/css/diary.css").read_text()
    assert "body.error-page { font-family: system-ui, sans-serif;" in css
