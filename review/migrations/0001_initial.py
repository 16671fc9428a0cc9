# Review cases and their events move from clinic/ to review/ with their tables:
# state only, so an existing database keeps every row (see clinic 0005, diary 0005).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('clinic', '0004_audit_exports'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='ReviewCase',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('open', 'Open'), ('acknowledged', 'Acknowledged'), ('resolved', 'Resolved')], default='open', max_length=20)),
                ('level', models.CharField(choices=[('normal', 'Usual for this day'), ('review', 'For review'), ('urgent', 'Urgent')], default='review', max_length=10)),
                ('priority', models.PositiveSmallIntegerField(default=1)),
                ('worst_excess', models.PositiveSmallIntegerField(default=0)),
                ('opened_at', models.DateTimeField()),
                ('acknowledged_at', models.DateTimeField(blank=True, null=True)),
                ('resolved_at', models.DateTimeField(blank=True, null=True)),
                ('outcome', models.CharField(blank=True, choices=[('expected_variation', 'Expected variation'), ('advised_home_care', 'Advised home care'), ('asked_to_visit', 'Asked to visit'), ('treated', 'Treated'), ('referred', 'Referred')], max_length=30)),
                ('message_to_patient', models.TextField(blank=True)),
                ('treatment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='review_cases', to='clinic.treatment')),
            ],
            options={
                'db_table': 'clinic_reviewcase',
                'indexes': [models.Index(fields=['status', '-priority', '-worst_excess', 'opened_at'], name='clinic_revi_status_f4d306_idx')],
                'constraints': [
                    models.UniqueConstraint(condition=models.Q(('status', 'resolved'), _negated=True), fields=('treatment',), name='one_unresolved_case_per_treatment'),
                    models.CheckConstraint(condition=models.Q(('status__in', ['open', 'acknowledged', 'resolved'])), name='case_status_valid'),
                    models.CheckConstraint(condition=models.Q(models.Q(('status', 'resolved'), _negated=True), models.Q(('outcome', ''), _negated=True), _connector='OR'), name='resolved_case_has_outcome'),
                ],
            },
        ),
        migrations.CreateModel(
            name='CaseEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('opened', 'Opened'), ('flagged', 'New flags'), ('reopened', 'Reopened by a new flag'), ('acknowledged', 'Acknowledged'), ('note', 'Internal note'), ('contacted', 'Patient contacted'), ('resolved', 'Resolved')], max_length=20)),
                ('contact', models.CharField(blank=True, choices=[('phone', 'Phone call'), ('message', 'Message'), ('visit_booked', 'Visit booked')], max_length=20)),
                ('text', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='review.reviewcase')),
            ],
            options={
                'db_table': 'clinic_caseevent',
                'ordering': ['created_at', 'id'],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
    ]
