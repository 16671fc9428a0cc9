# Version 2 of the shipped courses (shared/design/expected-course.md, revised) for
# every clinic that has them, as the next version of its own copy: treatments
# performed from now on are judged under it; those judged under version 1 keep it.

from django.db import migrations

from recovery.course import SHIPPED_COURSES

NOTE = (
    "Version 2 of the shipped course: one grade of headroom in the bands, the rebound "
    "rule and the pain alarm, bleeding expected through day 1, revised warning signs."
)


def forwards(apps, schema_editor):
    Procedure = apps.get_model("clinic", "Procedure")
    CourseVersion = apps.get_model("clinic", "CourseVersion")
    for procedure in Procedure.objects.filter(slug__in=SHIPPED_COURSES):
        definition = SHIPPED_COURSES[procedure.slug][2]
        latest = CourseVersion.objects.filter(procedure=procedure).order_by("-version").first()
        if latest is not None and latest.definition == definition:
            continue
        CourseVersion.objects.create(
            procedure=procedure,
            version=(latest.version if latest else 0) + 1,
            definition=definition,
            note=NOTE,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('clinic', '0010_clinic_urgent_contacts'),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
