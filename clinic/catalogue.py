"""Checks of a translation catalogue (a gettext .po file and its compiled .mo), for
`make test` and `make messages` (README, "Languages").

A catalogue is complete when every entry is translated and none is fuzzy (msgmerge
marks an entry fuzzy when it guessed the translation from a similar old string), when
each translation keeps its placeholders, and when the committed .mo holds exactly the
.po's translations, so the app needs no GNU gettext to run.
"""

import os
import re
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

# What makemessages reads: Python (recovery/ marks its strings with gettext_noop,
# imported as `_`), templates and the email templates (.txt). Tests, benchmarks and
# what is built or uploaded hold no interface text. Locations without line numbers,
# so that a refresh after an edit elsewhere does not rewrite every comment line.
EXTRACT_OPTIONS = {
    "extensions": ["py", "html", "txt"],
    "ignore_patterns": [
        "tests/*", "bench/*", "node_modules/*", "staticfiles/*", "media/*", "locale/*",
    ],
    "add_location": "file",
    "no_obsolete": True,
}  # fmt: skip


def translated_languages() -> list[str]:
    """The languages with a catalogue: every one of LANGUAGES but LANGUAGE_CODE, the
    language the code is written in."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue_files(locale_dir: Path, language: str) -> list[Path]:
    """The .po files of `language` under `locale_dir` (django.po; djangojs.po once
    JavaScript has strings)."""
    return sorted((locale_dir / language / "LC_MESSAGES").glob("*.po"))


def messages_extract(*, locale_dir: Path, languages: list[str]) -> None:
    """Extract the code's messages into `locale_dir`'s catalogues of `languages`,
    merged with what they hold (GNU gettext's xgettext and msgmerge, through
    makemessages).

    makemessages writes to the locale folder beside the code it reads, so it runs in
    a temporary tree that links to the project's folders and has `locale_dir` as its
    `locale`: the same run serves the real catalogue and a check's scratch copy."""
    with tempfile.TemporaryDirectory() as tree:
        root = Path(tree)
        for entry in Path(settings.BASE_DIR).iterdir():
            if entry.name != "locale" and not entry.name.startswith("."):
                (root / entry.name).symlink_to(entry)
        (root / "locale").symlink_to(Path(locale_dir).resolve())
        cwd = os.getcwd()
        os.chdir(root)
        try:
            with override_settings(LOCALE_PATHS=[root / "locale"]):
                call_command(
                    "makemessages",
                    locale=languages,
                    symlinks=True,
                    verbosity=0,
                    **EXTRACT_OPTIONS,
                )
        finally:
            os.chdir(cwd)


# %(name)s, %(n)d, %s and {name} placeholders; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%\([^)]+\)[#0 +-]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{[^{}]*\}")


def placeholders(text: str) -> set[str]:
    """The placeholders of `text` (in any order and number: word order differs
    between languages, and a translation may name a value twice)."""
    return set(PLACEHOLDER.findall(text.replace("%%", "")))


def _translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def _source(entry: polib.POEntry) -> str:
    return entry.msgid if not entry.msgctxt else f"{entry.msgctxt}|{entry.msgid}"


def catalogue_problems(po_path: Path) -> list[str]:
    """Return one line per entry of the .po file that is untranslated, fuzzy or whose
    translation lost or changed a placeholder; empty when the catalogue is complete."""
    problems = []
    for entry in polib.pofile(str(po_path), wrapwidth=0):
        if entry.obsolete:
            continue
        where = f"{_source(entry)!r}"
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {where}")
        elif not all(_translations(entry)):
            problems.append(f"untranslated: {where}")
        else:
            problems += [
                f"placeholders {sorted(placeholders(text))}: {where}"
                for text in _translations(entry)
                if not _same_placeholders(entry, text)
            ]
    return problems


def _same_placeholders(entry: polib.POEntry, text: str) -> bool:
    """Whether `text` uses the placeholders of the entry's message. With plural forms,
    those the singular and plural share are needed and any of either may be used:
    Japanese has one form for both, and English's singular may leave out the count."""
    used, singular = placeholders(text), placeholders(entry.msgid)
    if not entry.msgid_plural:
        return used == singular
    plural = placeholders(entry.msgid_plural)
    return singular & plural <= used <= singular | plural


def _translated(catalogue) -> dict[str, tuple[str, ...]]:
    return {
        _source(entry): tuple(_translations(entry))
        for entry in catalogue
        if entry.msgid and not entry.obsolete and "fuzzy" not in entry.flags
        and all(_translations(entry))
    }  # fmt: skip


def compiled_differences(po_path: Path, mo_path: Path) -> list[str]:
    """Return the messages whose translation differs between the .po and the compiled
    .mo (missing from one, or not the same); empty when the .mo is up to date."""
    if not mo_path.exists():
        return [f"{mo_path} is missing"]
    source = _translated(polib.pofile(str(po_path)))
    compiled = _translated(polib.mofile(str(mo_path)))
    return sorted(
        f"{'not compiled' if key not in compiled else 'stale' if key in source else 'removed'}: {key!r}"
        for key in source.keys() | compiled.keys()
        if source.get(key) != compiled.get(key)
    )


def extraction_differences(po_path: Path, extracted_path: Path) -> list[str]:
    """Compare the catalogue's messages with a fresh extraction from the code (a .po
    written by makemessages): the messages the code has and the catalogue lacks, and
    those the catalogue still has and the code no longer uses."""
    have = {_source(e) for e in polib.pofile(str(po_path)) if e.msgid and not e.obsolete}
    code = {_source(e) for e in polib.pofile(str(extracted_path)) if e.msgid}
    return [f"not in the catalogue: {key!r}" for key in sorted(code - have)] + [
        f"no longer in the code: {key!r}" for key in sorted(have - code)
    ]


def catalogue_compile(po_path: Path, mo_path: Path) -> None:
    """Write the .mo of the .po's translations, leaving out untranslated and fuzzy
    entries as msgfmt does; with polib, so no GNU gettext is needed."""
    polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
