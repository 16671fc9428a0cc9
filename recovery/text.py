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
