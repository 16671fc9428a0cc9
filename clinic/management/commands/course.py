import json
import sys

from django.core.management.base import BaseCommand, CommandError

from clinic.models import CourseVersion
from recovery.check import DiaryError, judge_diary, judge_diary_lines
from recovery.course import SHIPPED_COURSES, Course, shipped_course


class Command(BaseCommand):
    help = (
        "Work with procedure courses. 'course check <procedure-slug> < diary.json' judges "
        "a diary (a JSON list of entries) against the course and prints one verdict per "
        "entry as JSON, writing nothing: for a clinic trying out a course. With --jsonl, "
        "each input line is a diary and each output line its list of verdicts (or "
        '{"error": ...} for a bad line). The shipped course by default; --clinic '
        "<slug> for that clinic's own."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        check = actions.add_parser("check", help="Judge a JSON diary read from stdin.")
        check.add_argument("procedure", help="the procedure's slug, e.g. velvet-skin")
        check.add_argument("--version", type=int, help="a course version (default: latest)")
        check.add_argument("--clinic", help="a clinic's slug: judge with its own course")
        check.add_argument(
            "--jsonl",
            action="store_true",
            help="one diary per line in, one result per line out",
        )

    def handle(self, *args, procedure, version=None, clinic=None, jsonl=False, **options):
        course = self._course(procedure, version, clinic)
        if jsonl:
            for line in judge_diary_lines(sys.stdin, course=course):
                self.stdout.write(line)
            return
        try:
            diary = json.load(sys.stdin)
        except json.JSONDecodeError as error:
            raise CommandError(f"the input is not valid JSON: {error}") from error
        try:
            results = judge_diary(diary, course=course)
        except DiaryError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(results, indent=2, ensure_ascii=False))

    def _course(self, slug: str, version: int | None, clinic: str | None) -> Course:
        if clinic is None:
            if slug not in SHIPPED_COURSES:
                raise CommandError(f"unknown procedure: {slug}")
            number = version or max(SHIPPED_COURSES[slug])
            if number not in SHIPPED_COURSES[slug]:
                raise CommandError(f"{slug} has no course version {version}")
            return shipped_course(slug, number)
        versions = CourseVersion.objects.filter(
            procedure__clinic__slug=clinic, procedure__slug=slug
        ).select_related("procedure")
        if not versions.exists():
            raise CommandError(f"unknown procedure: {slug} at clinic {clinic}")
        found = versions.filter(version=version).first() if version else versions.first()
        if found is None:
            raise CommandError(f"{slug} has no course version {version}")
        return found.course
