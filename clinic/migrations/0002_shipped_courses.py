"""Load the Velvet Skin and Dermapen courses of shared/design/expected-course.md."""

from django.db import migrations

from recovery.course import DERMAPEN_V1, VELVET_SKIN_V1

COURSES = [
    ("velvet-skin", "Velvet Skin", VELVET_SKIN_V1,
     "Dermapen at about 0.5 mm with a massage peel; from the clinic article."),
    ("dermapen", "Dermapen", DERMAPEN_V1,
     "Microneedling alone; an editable starting course."),
]  # fmt: skip


def load(apps, schema_editor):
    Procedure = apps.get_model("clinic", "Procedure")
    CourseVersion = apps.get_model("clinic", "CourseVersion")
    for slug, name, definition, note in COURSES:
        procedure, _ = Procedure.objects.get_or_create(slug=slug, defaults={"name": name})
        CourseVersion.objects.get_or_create(
            procedure=procedure,
            version=1,
            defaults={"definition": definition, "note": note},
        )


def unload(apps, schema_editor):
    Procedure = apps.get_model("clinic", "Procedure")
    CourseVersion = apps.get_model("clinic", "CourseVersion")
    slugs = [slug for slug, *_ in COURSES]
    CourseVersion.objects.filter(procedure__slug__in=slugs, version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("clinic", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
