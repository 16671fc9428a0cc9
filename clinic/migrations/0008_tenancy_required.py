# Tenancy, step 3 of 3: the filled columns become required, and audit rows name the
# clinic's record of the patient instead of the patient's account.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clinic', '0007_fill_clinic_patients_and_courses'),
    ]

    operations = [
        migrations.AlterField(
            model_name='treatment',
            name='clinic_patient',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='treatments', to='clinic.clinicpatient'),
        ),
        migrations.AlterField(
            model_name='procedure',
            name='clinic',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='procedures', to='clinic.clinic'),
        ),
        migrations.AddConstraint(
            model_name='procedure',
            constraint=models.UniqueConstraint(fields=('clinic', 'slug'), name='procedure_slug_per_clinic'),
        ),
        migrations.RemoveField(
            model_name='auditentry',
            name='patient',
        ),
    ]
