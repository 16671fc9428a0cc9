from django.core.management.base import BaseCommand
from django.utils import timezone

from outcomes.demo import demo_load, demo_logins


class Command(BaseCommand):
    help = (
        "Load the demo clinic, staff and patients (once; running it again keeps the data) "
        "and print the demo logins."
    )

    def handle(self, *args, **options):
        created = demo_load(now=timezone.now())
        self.stdout.write("Demo data loaded." if created else "Demo data already present.")
        self.stdout.write(
            "\nDemo logins. Staff also give a 6-digit code: add the key shown to any "
            "authenticator app (Google Authenticator, 1Password, ...) as a manual entry."
        )
        for role, email, password, key in demo_logins():
            second = f"  key {key}" if key else ""
            self.stdout.write(f"  {email:<22} {password:<18} {role}{second}")
