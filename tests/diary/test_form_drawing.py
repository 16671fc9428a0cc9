from django.template import engines
from django.utils import translation

from diary import forms as diary_forms
from diary.forms import EntryForm

CRISPY = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}")


def drawn(form) -> str:
    return CRISPY.render({"form": form})


def test_a_blank_form_is_drawn_once_per_language_and_answers(monkeypatch):
    monkeypatch.setattr(diary_forms, "_DRAWN", {})
    answers = {"redness": 3, "bruising": 0, "peeling": 1, "pain": 2, "bleeding": "no"}
    first = drawn(EntryForm(initial=answers))
    assert drawn(EntryForm(initial=answers)) == first
    assert len(diary_forms._DRAWN) == 1
    assert 'id="id_redness_3" required checked>' in first
    other = drawn(EntryForm(initial=answers | {"redness": 1}))
    assert other != first
    with translation.override("ja"):
        japanese = drawn(EntryForm(initial=answers))
    assert japanese != first
    assert len(diary_forms._DRAWN) == 3


def test_a_submitted_form_is_drawn_afresh_with_its_errors(monkeypatch):
    monkeypatch.setattr(diary_forms, "_DRAWN", {})
    form = EntryForm({"redness": "3"})
    assert not form.is_valid()
    html = drawn(form)
    assert "Please choose one." in html
    assert diary_forms._DRAWN == {}


def test_the_drawings_are_forgotten_when_there_are_too_many(monkeypatch):
    monkeypatch.setattr(diary_forms, "_DRAWN", {})
    monkeypatch.setattr(diary_forms, "DRAWN_MAX", 2)
    for pain in range(3):
        drawn(EntryForm(initial={"pain": pain}))
    assert len(diary_forms._DRAWN) == 1
