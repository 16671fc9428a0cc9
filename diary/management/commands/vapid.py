from django.core.management.base import BaseCommand

from diary.push import vapid_key_pair


class Command(BaseCommand):
    help = (
        "Make a new VAPID key pair for phone notifications (Web Push) and print the "
        "environment lines to set: VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and "
        "VAPID_SUBJECT. Set them once and keep them: a new pair makes every phone's "
        "subscription invalid, and patients must turn notifications on again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--subject",
            default="mailto:diary@localhost",
            help="How push services can reach you: mailto:you@clinic or an https URL.",
        )

    def handle(self, *args, **options):
        public, private = vapid_key_pair()
        self.stdout.write(f"VAPID_PUBLIC_KEY={public}")
        self.stdout.write(f"VAPID_PRIVATE_KEY={private}")
        self.stdout.write(f"VAPID_SUBJECT={options['subject']}")
