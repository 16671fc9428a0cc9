from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def p_value_words(p: float) -> str:
    """The p-value with what it means in plain words, for managers who are not
    statisticians: how often chance alone would give a difference at least this large
    (the usual thresholds 1 in 1,000, 100 and 20; above 1 in 20, chance stays a fair
    explanation)."""
    if p < 0.001:
        return _(
            "p < 0.001: a difference this large would very rarely happen by chance "
            "(less than 1 in 1,000)"
        )
    shown = f"{p:.3f}".rstrip("0").rstrip(".")
    if p < 0.01:
        words = _(
            "p = %(p)s: a difference this large would rarely happen by chance "
            "(less than 1 in 100)"
        )
    elif p < 0.05:
        words = _(
            "p = %(p)s: a difference this large would seldom happen by chance "
            "(less than 1 in 20)"
        )
    else:
        words = _("p = %(p)s: could well be chance")
    return words % {"p": shown}
