"""Marking user-visible text for translation without importing Django.

`makemessages` (xgettext) extracts calls to `gettext_noop`, so the strings in this
package land in the catalogue; the Django side passes its real `gettext` as the
`translate` argument of the functions that build sentences.
"""

from collections.abc import Callable

Translate = Callable[[str], str]


def gettext_noop(message: str) -> str:
    """Return `message` unchanged; it only marks the string for extraction."""
    return message


def untranslated(message: str) -> str:
    """The default `translate`: English as written."""
    return message


# Sentences end with one of these in Japanese, and the next begins without a space.
_FULL_STOPS = ("。", "！", "？")


def join_sentences(*sentences: str) -> str:
    """Join sentences as the language writes them: with a space after ". ", none
    after a Japanese full stop (「…です。2日目には…」)."""
    text = ""
    for sentence in sentences:
        if not sentence:
            continue
        if text and not text.endswith(_FULL_STOPS):
            text += " "
        text += sentence
    return text
