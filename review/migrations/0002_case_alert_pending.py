# The on-call email is now tracked on the case (review/ no longer reads diary entries):
# cases with an urgent entry whose email never went out start as pending.

from django.db import migrations, models


def pending_from_entries(apps, schema_editor):
    Entry = apps.get_model("diary", "Entry")
    ReviewCase = apps.get_model("review", "ReviewCase")
    unsent = Entry.objects.filter(status="urgent", notified_at__isnull=True)
    ReviewCase.objects.exclude(status="resolved").filter(
        treatment__in=unsent.values("treatment")
    ).update(alert_pending=True)


class Migration(migrations.Migration):

    dependencies = [
        ('review', '0001_initial'),
        ('diary', '0005_flag_case_in_review'),
    ]

    operations = [
        migrations.AddField(
            model_name='reviewcase',
            name='alert_pending',
            field=models.BooleanField(default=False, help_text='A new urgent entry whose on-call email has not gone out yet.'),
        ),
        migrations.RunPython(pending_from_entries, migrations.RunPython.noop),
    ]
