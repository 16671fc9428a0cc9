"""Pairing two days' photos view by view, with the redness index trend."""

from collections.abc import Sequence

from diary.models import Photo


def photo_comparison(
    photos: Sequence[Photo], *, first: int | None, second: int | None
) -> dict:
    """Return the days that have photos, the two days compared (default: the first
    and the latest) and, per view, the pair of photos with their redness index change
    against that view's first photo. `photos` are ordered by day, then upload."""
    days = sorted({p.entry.day for p in photos})
    if not days:
        return {"days": [], "rows": [], "first": None, "second": None}
    first = first if first in days else days[0]
    second = second if second in days else days[-1]
    latest: dict[tuple[int, str], Photo] = {}
    baseline: dict[str, Photo] = {}
    for photo in photos:
        latest[(photo.entry.day, photo.view)] = photo
        baseline.setdefault(photo.view, photo)
    rows = []
    for view, label in Photo.View.choices:
        pair = [latest.get((first, view)), latest.get((second, view))]
        if any(pair):
            rows.append({
                "view": label,
                "cells": [_cell(p, baseline[view]) for p in pair],
            })  # fmt: skip
    return {"days": days, "rows": rows, "first": first, "second": second}


def _cell(photo: Photo | None, baseline: Photo) -> dict | None:
    if photo is None:
        return None
    change = None
    if photo.redness_index is not None and baseline.redness_index is not None:
        change = round(photo.redness_index - baseline.redness_index, 1)
    return {"photo": photo, "redness_change": change, "baseline_day": baseline.entry.day}
