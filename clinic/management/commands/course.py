import json
import sys

from django.core.management.base import BaseCommand, CommandError

from clinic.models import CourseVersion
from recovery.check import DiaryError, judge_diary


class Command(BaseCommand):
    help = (
        "Work with procedure courses. 'course check <procedure-slug> < diary.json' judges "
        "a diary (a JSON list of entries) against the course and prints one verdict per "
        "entry as JSON, writing nothing: for a clinic trying out a course."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        check = actions.add_parser("check", help="Judge a JSON diary read from stdin.")
        check.add_argument("procedure", help="the procedure's slug, e.g. velvet-skin")
        check.add_argument("--version", type=int, help="a course version (default: latest)")

    def handle(self, *args, procedure, version=None, **options):
        versions = CourseVersion.objects.filter(procedure__slug=procedure).select_related(
            "procedure"
        )
        if not versions.exists():
            raise CommandError(f"unknown procedure: {procedure}")
        course_version = (
            versions.filter(version=version).first() if version else versions.first()
        )
        if course_version is None:
            raise CommandError(f"{procedure} has no course version {version}")
        try:
            diary = json.load(sys.stdin)
        except json.JSONDecodeError as error:
            raise CommandError(f"the input is not valid JSON: {error}") from error
        try:
            results = judge_diary(diary, course=course_version.course)
        except DiaryError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(results, indent=2, ensure_ascii=False))
