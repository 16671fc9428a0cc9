"""Keep each treatment's diary summary (`DiarySummary`) in step with its entries."""

from collections import defaultdict
from collections.abc import Iterable

from clinic.models import Level
from diary.models import DiarySummary, Entry, Flag
from recovery.outcomes import diary_facts
from recovery.scales import SYMPTOMS

CHUNK = 2000  # treatments per round trip when many are refreshed at once


def diary_summaries_refresh(
    treatment_ids: Iterable[int], *, entries=None, flags=None, summaries=None
) -> None:
    """Rewrite the summaries of these treatments from their entries and flags (a
    treatment without entries has none). Call it inside the transaction that changed
    the entries. The managers can be given so that a data migration can pass its
    historical models."""
    entries = Entry.objects if entries is None else entries
    flags = Flag.objects if flags is None else flags
    summaries = DiarySummary.objects if summaries is None else summaries
    ids = list(treatment_ids)
    for start in range(0, len(ids), CHUNK):
        _refresh(ids[start : start + CHUNK], entries, flags, summaries)


def _refresh(ids: list[int], entries, flags, summaries) -> None:
    codes = [symptom.code for symptom in SYMPTOMS]
    by_treatment = defaultdict(list)
    rows = entries.filter(treatment_id__in=ids).values_list("treatment_id", "day", *codes)
    for treatment_id, day, *values in rows.order_by():
        by_treatment[treatment_id].append((day, dict(zip(codes, values, strict=True))))
    levels = defaultdict(set)
    flagged = flags.filter(entry__treatment_id__in=ids).values_list(
        "entry__treatment_id", "level"
    )
    for treatment_id, level in flagged.distinct().order_by():
        levels[treatment_id].add(level)
    rows = []
    for treatment_id, logged in by_treatment.items():
        facts = diary_facts(logged)
        row = {
            "treatment_id": treatment_id,
            "last_day": facts.last_day,
            "logged_days": facts.logged_days,
            "review_flagged": Level.REVIEW in levels[treatment_id],
            "urgent_flagged": Level.URGENT in levels[treatment_id],
        }
        for code, (day, resolved) in facts.resolution.items():
            row[f"{code}_resolved_day"] = day if resolved else None
        rows.append(summaries.model(**row))
    summaries.filter(treatment_id__in=ids).delete()
    summaries.bulk_create(rows)
