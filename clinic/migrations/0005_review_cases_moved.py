# Review cases and their events now live in review/ (review 0001): the tables stay,
# only clinic's state lets go of them.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('clinic', '0004_audit_exports'),
        ('diary', '0005_flag_case_in_review'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='CaseEvent'),
                migrations.DeleteModel(name='ReviewCase'),
            ],
        ),
    ]
