import io

from django.core.management import call_command

from diary.models import Flag
from tests.factories import record


def test_retranslate_fills_in_a_language_added_after_the_flag_was_saved(treatment):
    record(treatment, 2, redness=4)
    flag = Flag.objects.get()
    english_only = {"en": flag.translations["en"]}
    Flag.objects.filter(pk=flag.pk).update(translations=english_only, message="old text")
    out = io.StringIO()
    call_command("flags", "retranslate", stdout=out)
    flag.refresh_from_db()
    assert set(flag.translations) == {"en", "ja"}
    assert flag.translations["ja"]["message"].startswith("今日の赤み")
    assert flag.message != "old text" and flag.level == "review"
    assert "Rewrote the texts of 1 flag(s) of 1 treatment(s)." in out.getvalue()
