# Tenancy, step 1 of 3: a clinic's own record of each patient, pending treatments, and
# procedures that belong to a clinic. New columns start nullable; 0007 fills them and
# 0008 makes them required.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clinic', '0005_review_cases_moved'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ClinicPatient',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=150, verbose_name='name')),
                ('email', models.EmailField(max_length=254, verbose_name='email')),
                ('phone', models.CharField(blank=True, max_length=40, verbose_name='phone')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('erased_at', models.DateTimeField(blank=True, help_text="When the patient's diary data were deleted on request.", null=True)),
                ('clinic', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='patients', to='clinic.clinic')),
            ],
            options={
                'ordering': ['name'],
                'constraints': [models.UniqueConstraint(fields=('clinic', 'email'), name='one_record_per_email')],
            },
        ),
        migrations.AddField(
            model_name='treatment',
            name='clinic_patient',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='treatments', to='clinic.clinicpatient'),
        ),
        migrations.AddField(
            model_name='treatment',
            name='created_account',
            field=models.BooleanField(default=False, help_text="This treatment created the patient's account (front-desk set-up)."),
        ),
        migrations.AddField(
            model_name='treatment',
            name='joined_at',
            field=models.DateTimeField(blank=True, help_text="When the treatment joined the patient's diary.", null=True),
        ),
        migrations.AlterField(
            model_name='treatment',
            name='patient',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='treatments', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='procedure',
            name='clinic',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='procedures', to='clinic.clinic'),
        ),
        migrations.AlterField(
            model_name='procedure',
            name='slug',
            field=models.SlugField(),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='clinic_patient',
            field=models.ForeignKey(blank=True, help_text='Empty for exports, which cover many patients.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='audit_entries', to='clinic.clinicpatient'),
        ),
    ]
