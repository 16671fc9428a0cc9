"""Writes on the patient's side that span several models and files."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from clinic.models import Level, Treatment
from diary.models import Entry, Flag, Photo, Submission
from diary.photos import PreparedPhoto
from diary.summaries import diary_summaries_refresh
from recovery.judge import judge_timeline
from review.models import ReviewCase
from review.services import case_for_new_flags, case_refresh


@dataclass(frozen=True, slots=True)
class EntryValues:
    redness: int
    bruising: int
    peeling: int
    pain: int
    bleeding: bool
    warning_signs: Sequence[str]
    note: str = ""


def entry_record(
    *,
    treatment: Treatment,
    day: int,
    values: EntryValues,
    photos: Sequence[PreparedPhoto] = (),
    photo_view: str = Photo.View.OTHER,
    recorded_at: datetime,
    submission: uuid.UUID | None = None,
) -> Entry:
    """Create or update the treatment's entry for `day`, judge it, judge every later
    entry of the treatment again (their rules look back at this day), and store the
    flags, cases, summary and photos in one transaction; return the entry.

    `submission` is the entry form's one-time key: if this treatment's `day` was
    already saved with it (a double tap, a retry after a lost answer), that entry is
    returned and nothing is stored again.

    Photo files are written before the commit and deleted again if anything fails, so
    no file is left without its row. Raises ObservationError on values off their scale.
    """
    written: list[str] = []
    try:
        with transaction.atomic():
            # One save per treatment at a time: its later entries and its summary are
            # judged from all of its entries, which a concurrent save would leave stale.
            list(Treatment.objects.select_for_update().filter(pk=treatment.pk).values("pk"))
            # Behind that lock, a repeat of a save waits for the first one to commit
            # and then finds its key. Scoped to this diary and day: a key copied from
            # another form saves as usual.
            if submission is not None:
                saved = Entry.objects.filter(
                    treatment=treatment, day=day, submissions__key=submission
                ).first()
                if saved is not None:
                    return saved
            entries = list(
                Entry.objects.select_for_update()
                .filter(treatment=treatment)
                .order_by("day")
            )
            entry = next((e for e in entries if e.day == day), None)
            if entry is None:
                entry = Entry(treatment=treatment, day=day)
                entries = sorted([*entries, entry], key=lambda e: e.day)
            was = {e.pk: e.status for e in entries if e.pk is not None}
            for field in ("redness", "bruising", "peeling", "pain", "bleeding", "note"):
                setattr(entry, field, getattr(values, field))
            entry.warning_signs = sorted(set(values.warning_signs))
            entry.recorded_at = recorded_at
            entry.course_version = treatment.course_version
            _entries_judge(
                treatment,
                [e for e in entries if e.day >= day],
                earlier=[e for e in entries if e.day < day],
                changed=entry,
                was=was,
                now=recorded_at,
            )
            diary_summaries_refresh([treatment.pk])
            for prepared in photos:
                _photo_store(
                    entry, prepared, photo_view, written, zone=treatment.clinic.zone
                )
            if submission is not None:
                _submission_keep(submission, entry)
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return entry


def _submission_keep(key: uuid.UUID, entry: Entry) -> None:
    """Remember the form's key with the entry it saved. A key that another diary or
    day holds already (a form copied between pages) is not kept: that save stands."""
    try:
        with transaction.atomic():
            Submission.objects.create(key=key, entry=entry)
    except IntegrityError:
        pass


def _entries_judge(
    treatment: Treatment,
    entries: list[Entry],
    *,
    earlier: list[Entry],
    changed: Entry,
    was: dict[int, str],
    now: datetime,
) -> None:
    """Judge `entries` (the changed day and every later one) against the treatment's
    course, each with all the entries before it, and rewrite the flags of those whose
    verdict changed; the cases they leave or join follow. Call inside the entry's
    transaction."""
    course = treatment.course_version.course
    observations = [e.observation() for e in [*earlier, *entries]]
    verdicts = judge_timeline(observations, course=course)[len(earlier) :]
    texts = _verdict_texts(observations, course)[len(earlier) :]
    touched_cases: set[int] = set()
    alert_case = None
    for entry, verdict, localized in zip(entries, verdicts, texts, strict=True):
        entry.status = verdict.status.value
        is_new = entry.pk is None
        if entry is changed or is_new:
            entry.save()
        elif was.get(entry.pk) != entry.status:
            entry.save(update_fields=["status"])
        old = list(entry.flags.all()) if not is_new else []
        if not is_new and _same_flags(old, verdict.flags):
            continue  # judged again, nothing changed: no new event, no new rows
        touched_cases.update(f.case_id for f in old if f.case_id)
        entry.flags.all().delete()
        case = case_for_new_flags(treatment=treatment, now=now) if verdict.flags else None
        Flag.objects.bulk_create(
            Flag(
                entry=entry, case=case, symptom=flag.symptom, level=flag.level.value,
                rule=flag.rule.value, observed=flag.observed,
                expected_upper=flag.expected_upper,
                message=flag.message, detail=flag.detail, emergency=flag.emergency,
                translations=translations, course_version=entry.course_version,
            )
            for flag, translations in zip(verdict.flags, localized, strict=True)
        )  # fmt: skip
        if case is not None:
            touched_cases.add(case.pk)
            # An entry that turns urgent tells the on-call address once.
            if entry.status == Level.URGENT and was.get(entry.pk) != Level.URGENT:
                alert_case = case.pk
    for case in ReviewCase.objects.filter(pk__in=touched_cases).order_by("pk"):
        case_refresh(case, alert=case.pk == alert_case)


def _same_flags(stored: list[Flag], judged) -> bool:
    key = lambda rule, symptom, level, message: (rule, symptom, level, message)  # noqa: E731
    return sorted(key(f.rule, f.symptom, f.level, f.message) for f in stored) == sorted(
        key(f.rule.value, f.symptom, f.level.value, f.message) for f in judged
    )


def _verdict_texts(observations, course) -> list[list[dict]]:
    """Per entry, per flag: the patient's and the clinician's text in every language
    the app speaks, so each reader gets their own without judging again."""
    by_language = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            by_language[code] = judge_timeline(
                observations, course=course, translate=gettext
            )
    result = []
    for index, observation in enumerate(observations):
        del observation
        flags_by_language = {code: v[index].flags for code, v in by_language.items()}
        count = len(next(iter(flags_by_language.values())))
        result.append([
            {code: {"message": flags[i].message, "detail": flags[i].detail}
             for code, flags in flags_by_language.items()}
            for i in range(count)
        ])  # fmt: skip
    return result


def flag_texts_refresh(treatment_ids: Sequence[int]) -> int:
    """Write again the patient's and the clinician's texts of the flags of these
    treatments, in every language the app now speaks, from the same facts (values,
    days, course version); levels, rules and cases are left as they are. For flags
    saved before a language was added or a wording improved. Return how many flags
    were rewritten."""
    rewritten = 0
    for treatment in Treatment.objects.filter(pk__in=treatment_ids).select_related(
        "course_version__procedure"
    ):
        with transaction.atomic():
            entries = list(
                Entry.objects.select_for_update()
                .filter(treatment=treatment)
                .order_by("day")
            )
            course = treatment.course_version.course
            observations = [e.observation() for e in entries]
            verdicts = judge_timeline(observations, course=course)
            texts = _verdict_texts(observations, course)
            for entry, verdict, localized in zip(entries, verdicts, texts, strict=True):
                judged = {
                    (f.rule.value, f.symptom): (f, tr)
                    for f, tr in zip(verdict.flags, localized, strict=True)
                }
                for flag in entry.flags.all():
                    match = judged.get((flag.rule, flag.symptom))
                    if match is None:  # judged under other rules: leave it as it is
                        continue
                    judged_flag, translations = match
                    flag.message, flag.detail = judged_flag.message, judged_flag.detail
                    flag.translations = translations
                    flag.save(update_fields=["message", "detail", "translations"])
                    rewritten += 1
    return rewritten


def _photo_store(
    entry: Entry, prepared: PreparedPhoto, view: str, written: list[str], *, zone
) -> None:
    key = uuid.uuid4()
    names = []
    for suffix, content in (
        ("", prepared.image),
        ("-screen", prepared.screen),
        ("-thumb", prepared.thumbnail),
    ):
        name = default_storage.save(f"photos/{key.hex}{suffix}.jpg", ContentFile(content))
        written.append(name)
        names.append(name)
    taken_at = prepared.taken_at
    Photo.objects.create(
        key=key,
        entry=entry,
        view=view,
        image=names[0],
        screen=names[1],
        thumbnail=names[2],
        width=prepared.width,
        height=prepared.height,
        taken_at=timezone.make_aware(taken_at, zone) if taken_at else None,
        quality_issues=list(prepared.quality_issues),
        redness_index=prepared.redness_index,
    )


def photo_delete(*, photo: Photo) -> None:
    """Delete the photo's row and, once that is committed, its files."""
    names = photo.file_names
    with transaction.atomic():
        photo.delete()
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])


def photo_orphans(*, older_than: timedelta, now: datetime) -> list[str]:
    """Return the stored photo files that no Photo row names, oldest first.

    Files younger than `older_than` are left out: they may belong to an upload whose
    transaction has not committed yet.
    """
    try:
        _dirs, files = default_storage.listdir("photos")
    except FileNotFoundError:  # a fresh install: no photo stored yet
        return []
    referenced = set()
    for names in Photo.objects.values_list("image", "screen", "thumbnail").iterator():
        referenced.update(names)
    candidates = [f"photos/{name}" for name in files if f"photos/{name}" not in referenced]
    aged = [(default_storage.get_modified_time(name), name) for name in candidates]
    return [name for modified, name in sorted(aged) if modified <= now - older_than]
