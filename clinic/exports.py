"""CSV files that a spreadsheet opens as data, never as formulas."""

import csv
import re
from collections.abc import Iterable

# A cell starting with one of these is run as a formula by Excel, LibreOffice and
# Google Sheets (`=HYPERLINK(...)`, `@SUM(...)`, `+cmd|...`); tab and carriage
# return hide such a start from a reader's eye.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def spreadsheet_safe(value):
    """`value`, with an apostrophe in front when it is text that a spreadsheet would
    run as a formula (plain numbers, negative ones included, stay numbers)."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


class SafeWriter:
    """A csv.writer whose every cell goes through `spreadsheet_safe`."""

    def __init__(self, out):
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([spreadsheet_safe(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)
