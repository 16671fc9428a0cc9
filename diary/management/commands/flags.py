from django.core.management.base import BaseCommand

from diary.models import Flag
from diary.services import flag_texts_refresh


class Command(BaseCommand):
    help = (
        "Flag housekeeping. 'flags retranslate' writes every flag's patient and clinician "
        "texts again in each language the app speaks (after a language is added or a "
        "wording improved); levels, rules and cases stay as they are."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser(
            "retranslate", help="Rewrite the flags' texts in every language."
        )

    def handle(self, *args, **options):
        ids = list(Flag.objects.values_list("entry__treatment_id", flat=True).distinct())
        count = flag_texts_refresh(ids)
        self.stdout.write(
            f"Rewrote the texts of {count} flag(s) of {len(ids)} treatment(s)."
        )
