from functools import cache

from django import template
from django.template.loader import render_to_string
from django.utils.translation import get_language

register = template.Library()

FIELDS_TEMPLATE = "clinic/_form_fields.html"


@register.simple_tag
def form_fields(form) -> str:
    """The fields of `form`, labelled, with help and errors (clinic/_form_fields.html).

    A blank form whose class says `renders_alike` (no choices or initial values from
    the database) gives the same HTML every time: that is rendered once per language,
    since the case page shows three such forms on every visit."""
    if form.is_bound or not getattr(form, "renders_alike", False):
        return render_to_string(FIELDS_TEMPLATE, {"form": form})
    return _blank_fields(type(form), get_language())


@cache
def _blank_fields(form_class, language: str) -> str:
    return render_to_string(FIELDS_TEMPLATE, {"form": form_class()})
