"""The Japanese catalogue is complete, compiled and in step with the code; the checker
itself catches what it must (README, "Languages")."""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings

from clinic.catalogue import (
    catalogue_compile,
    catalogue_files,
    catalogue_problems,
    compiled_differences,
    extraction_differences,
    messages_extract,
    translated_languages,
)

LOCALE = Path(settings.LOCALE_PATHS[0])
CATALOGUES = [po for code in translated_languages() for po in catalogue_files(LOCALE, code)]
FIX = "run `make messages`, translate what it lists, and run it again"


def test_japanese_has_a_catalogue():
    assert translated_languages() == ["ja"]
    assert [po.name for po in CATALOGUES] == ["django.po"]


@pytest.mark.parametrize("po", CATALOGUES, ids=str)
def test_every_message_is_translated_none_fuzzy_placeholders_kept(po):
    assert catalogue_problems(po) == [], FIX


@pytest.mark.parametrize("po", CATALOGUES, ids=str)
def test_the_committed_mo_holds_exactly_the_po(po):
    assert compiled_differences(po, po.with_suffix(".mo")) == [], FIX


def test_the_catalogue_has_every_message_of_the_code_and_no_other(tmp_path, monkeypatch):
    """A fresh extraction from the code, into a temporary folder, against the
    catalogue. Needs GNU gettext's xgettext, which `make test` installs when missing."""
    if shutil.which("xgettext") is None:
        pytest.fail(
            "GNU gettext is missing: install Debian's gettext package (make test does)"
        )
    monkeypatch.chdir(settings.BASE_DIR)
    messages_extract(locale_dir=tmp_path, languages=["ja"])
    for po in CATALOGUES:
        fresh = tmp_path / "ja" / "LC_MESSAGES" / po.name
        assert extraction_differences(po, fresh) == [], FIX


# The checker, on small catalogues written here.

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def catalogue(tmp_path, body: str) -> Path:
    path = tmp_path / "django.po"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_a_complete_catalogue_has_no_problems(tmp_path):
    po = catalogue(
        tmp_path,
        '#, python-format\nmsgid "Day %(day)s"\nmsgstr "%(day)s日目"\n\n'
        '#, python-brace-format\nmsgid "{value} of {maximum}"\nmsgstr "{value}/{maximum}"\n\n'
        'msgid "One photo"\nmsgid_plural "%(n)s photos"\nmsgstr[0] "写真%(n)s枚"\n\n'
        '#~ msgid "Gone"\n#~ msgstr ""\n',
    )
    assert catalogue_problems(po) == []


def test_the_checker_finds_an_untranslated_message(tmp_path):
    po = catalogue(tmp_path, 'msgid "Save"\nmsgstr "保存"\n\nmsgid "Edit"\nmsgstr ""\n')
    assert catalogue_problems(po) == ["untranslated: 'Edit'"]


def test_the_checker_finds_an_untranslated_plural(tmp_path):
    po = catalogue(tmp_path, 'msgid "%(n)s day"\nmsgid_plural "%(n)s days"\nmsgstr[0] ""\n')
    assert catalogue_problems(po) == ["untranslated: '%(n)s day'"]


def test_the_checker_finds_a_fuzzy_message(tmp_path):
    # msgmerge's guess from a similar old message: translated, but not checked by anyone.
    po = catalogue(tmp_path, '#, fuzzy\nmsgid "Save answers"\nmsgstr "保存"\n')
    assert catalogue_problems(po) == ["fuzzy: 'Save answers'"]


@pytest.mark.parametrize(
    ("msgid", "msgstr"),
    [
        ("Day %(day)s", "%(days)s日目"),  # misspelt
        ("Day %(day)s", "日目"),  # lost
        ("Call {number} now", "今すぐ電話してください"),
        ("{value} of {maximum}", "{value}/{max}"),
    ],
)
def test_the_checker_finds_a_placeholder_changed_or_lost(tmp_path, msgid, msgstr):
    po = catalogue(tmp_path, f'msgid "{msgid}"\nmsgstr "{msgstr}"\n')
    (problem,) = catalogue_problems(po)
    assert problem.startswith("placeholders ")


def test_a_translation_may_use_a_placeholder_twice_or_in_another_order(tmp_path):
    po = catalogue(
        tmp_path,
        'msgid "Version %(n)s (since %(at)s)"\nmsgstr "%(at)sから第%(n)s版（v%(n)s）"\n',
    )
    assert catalogue_problems(po) == []


def test_the_compiled_catalogue_is_checked_against_the_po(tmp_path):
    po = catalogue(
        tmp_path, 'msgid "Save"\nmsgstr "保存"\n\n#, fuzzy\nmsgid "Edit"\nmsgstr "編集"\n'
    )
    mo = tmp_path / "django.mo"
    assert compiled_differences(po, mo) == [f"{mo} is missing"]
    catalogue_compile(po, mo)
    assert compiled_differences(po, mo) == []
    assert {e.msgid: e.msgstr for e in polib.mofile(str(mo)) if e.msgid} == {"Save": "保存"}
    po.write_text(
        po.read_text(encoding="utf-8").replace("保存", "保存する"), encoding="utf-8"
    )
    assert compiled_differences(po, mo) == ["stale: 'Save'"]


def test_extraction_differences_name_new_and_removed_messages(tmp_path):
    ours = catalogue(
        tmp_path, 'msgid "Save"\nmsgstr "保存"\n\nmsgid "Old"\nmsgstr "古い"\n'
    )
    fresh = tmp_path / "fresh.po"
    fresh.write_text(HEADER + 'msgid "Save"\nmsgstr ""\n\nmsgid "New"\nmsgstr ""\n')
    assert extraction_differences(ours, fresh) == [
        "not in the catalogue: 'New'",
        "no longer in the code: 'Old'",
    ]
