from django.core.management.base import BaseCommand
from django.db import transaction

from clinic.models import Treatment
from diary.summaries import diary_summaries_refresh


class Command(BaseCommand):
    help = (
        "Diary summaries (what clinic outcomes read). 'summaries rebuild' rewrites every "
        "treatment's summary from its entries: after entries were loaded in bulk, or "
        "after the rules that derive a summary changed."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("rebuild", help="Rewrite every treatment's diary summary.")

    def handle(self, *args, **options):
        with transaction.atomic():
            # Patients saving meanwhile wait, as they wait for each other: a summary
            # read before their save and written after it would be stale.
            treatments = Treatment.objects.select_for_update().order_by("pk")
            ids = list(treatments.values_list("pk", flat=True))
            diary_summaries_refresh(ids)
        self.stdout.write(f"Rebuilt the diary summaries of {len(ids)} treatment(s).")
