from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from clinic.catalogue import (
    catalogue_compile,
    catalogue_files,
    catalogue_problems,
    messages_extract,
    translated_languages,
)


class Command(BaseCommand):
    help = (
        "Refresh the translation catalogues after strings changed in the code (`make "
        "messages`): extract every marked string into locale/<language>/LC_MESSAGES/"
        "django.po (new strings empty, changed ones fuzzy, removed ones dropped), "
        "compile the .mo that the app reads, and list what still needs translating. "
        "Exits non-zero while anything does. Needs GNU gettext (Debian's gettext) for "
        "the extraction; --compile-only compiles without it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--compile-only",
            action="store_true",
            help="only compile the .po files into .mo files (after translating)",
        )

    def handle(self, *args, compile_only=False, **options):
        locale_dir = Path(settings.LOCALE_PATHS[0])
        languages = translated_languages()
        if not compile_only:
            messages_extract(locale_dir=locale_dir, languages=languages)
        problems = []
        for language in languages:
            for po in catalogue_files(locale_dir, language):
                catalogue_compile(po, po.with_suffix(".mo"))
                problems += [f"{po}: {line}" for line in catalogue_problems(po)]
        for line in problems:
            self.stdout.write(line)
        if problems:
            raise CommandError(f"{len(problems)} message(s) to translate or check.")
        self.stdout.write("Every message is translated; the .mo files are compiled.")
