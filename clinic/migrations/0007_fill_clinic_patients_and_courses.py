# Tenancy, step 2 of 3: every existing treatment gets its clinic's record of the
# patient (name and email as the account had them) and stays in the patient's diary;
# audit rows point at that record; each clinic gets its own copy of every procedure
# and course version, and its treatments, entries and flags are moved onto the copy.
# Nothing is deleted but the clinic-less originals, once nothing points at them.

from django.db import migrations


def _record(ClinicPatient, cache, clinic_id, user):
    email = (user.email or user.username).lower()
    key = (clinic_id, email)
    if key not in cache:
        name = f"{user.first_name} {user.last_name}".strip() or email
        cache[key], _created = ClinicPatient.objects.get_or_create(
            clinic_id=clinic_id, email=email, defaults={"name": name}
        )
    return cache[key]


def forwards(apps, schema_editor):
    Clinic = apps.get_model("clinic", "Clinic")
    ClinicPatient = apps.get_model("clinic", "ClinicPatient")
    Treatment = apps.get_model("clinic", "Treatment")
    AuditEntry = apps.get_model("clinic", "AuditEntry")
    Procedure = apps.get_model("clinic", "Procedure")
    CourseVersion = apps.get_model("clinic", "CourseVersion")
    Entry = apps.get_model("diary", "Entry")
    Flag = apps.get_model("diary", "Flag")

    cache = {}
    for treatment in Treatment.objects.select_related("patient").iterator():
        record = _record(ClinicPatient, cache, treatment.clinic_id, treatment.patient)
        Treatment.objects.filter(pk=treatment.pk).update(
            clinic_patient=record, joined_at=treatment.created_at
        )
    for entry in AuditEntry.objects.exclude(patient=None).select_related("patient").iterator():
        record = _record(ClinicPatient, cache, entry.clinic_id, entry.patient)
        AuditEntry.objects.filter(pk=entry.pk).update(clinic_patient=record)

    shared = list(Procedure.objects.filter(clinic=None))
    for clinic in Clinic.objects.all():
        for procedure in shared:
            copy = Procedure.objects.create(
                clinic=clinic, name=procedure.name, slug=procedure.slug
            )
            for version in CourseVersion.objects.filter(procedure=procedure):
                old_pk = version.pk
                new = CourseVersion.objects.create(
                    procedure=copy, version=version.version,
                    definition=version.definition, note=version.note,
                    created_by_id=version.created_by_id,
                )
                CourseVersion.objects.filter(pk=new.pk).update(created_at=version.created_at)
                treatments = Treatment.objects.filter(clinic=clinic, course_version_id=old_pk)
                Entry.objects.filter(treatment__in=treatments).update(course_version=new)
                Flag.objects.filter(entry__treatment__in=treatments).update(course_version=new)
                treatments.update(course_version=new, procedure=copy)
    CourseVersion.objects.filter(procedure__clinic=None).delete()
    Procedure.objects.filter(clinic=None).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('clinic', '0006_clinic_patients_and_courses'),
        ('diary', '0006_alerts_on_cases'),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
