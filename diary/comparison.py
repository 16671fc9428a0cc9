"""Pairing two days' photos view by view, with the two days' entries and, for staff,
the redness index trend."""

from collections.abc import Sequence

from diary.models import Photo


def photo_comparison(
    photos: Sequence[Photo], *, first: int | None, second: int | None, with_index: bool
) -> dict:
    """Return the days that have photos, the two days compared (default: the first
    and the latest), those two days' entries (`entries`: the patient's answers, taken
    from the photos' own entries, so no query) and, per view, the pair of photos.

    With `with_index` (staff only: to a patient a photo's redness index means
    nothing), each photo also carries its redness index change against that view's
    first photo; otherwise the change is None. `photos` are ordered by day, then
    upload, with their entries."""
    days = sorted({p.entry.day for p in photos})
    if not days:
        return {"days": [], "rows": [], "first": None, "second": None, "entries": []}
    first = first if first in days else days[0]
    second = second if second in days else days[-1]
    latest: dict[tuple[int, str], Photo] = {}
    baseline: dict[str, Photo] = {}
    entries = {}
    for photo in photos:
        latest[(photo.entry.day, photo.view)] = photo
        baseline.setdefault(photo.view, photo)
        entries[photo.entry.day] = photo.entry
    rows = []
    for view, label in Photo.View.choices:
        pair = [latest.get((first, view)), latest.get((second, view))]
        if any(pair):
            rows.append({
                "view": label,
                "cells": [_cell(p, baseline[view], with_index) for p in pair],
            })  # fmt: skip
    return {
        "days": days, "rows": rows, "first": first, "second": second,
        "entries": [entries[first], entries[second]],
    }  # fmt: skip


def _cell(photo: Photo | None, baseline: Photo, with_index: bool) -> dict | None:
    if photo is None:
        return None
    change = None
    if with_index and None not in (photo.redness_index, baseline.redness_index):
        change = round(photo.redness_index - baseline.redness_index, 1)
    return {"photo": photo, "redness_change": change, "baseline_day": baseline.entry.day}
