import csv
import io

import pytest
from django.urls import reverse

from clinic.exports import SafeWriter, spreadsheet_safe
from clinic.models import Procedure
from tests.conftest import login
from tests.factories import StaffFactory, TreatmentFactory, record


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        (
            '=HYPERLINK("http://evil.test","Velvet")',
            '\'=HYPERLINK("http://evil.test","Velvet")',
        ),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-0.25", "-0.25"),  # a negative number stays a number
        ("1e-05", "1e-05"),
        ("Velvet Skin", "Velvet Skin"),
        (3, 3),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_neutralised(cell, written):
    assert spreadsheet_safe(cell) == written


def test_the_summary_export_writes_a_formula_name_as_text(client, clinic):
    Procedure.objects.filter(clinic=clinic, slug="velvet-skin").update(
        name='=HYPERLINK("http://evil.test","Velvet")'
    )
    for _n in range(5):
        record(TreatmentFactory(clinic=clinic), 1)
    manager = StaffFactory(clinic=clinic, role="manager").user
    login(client, manager)
    procedure = clinic.procedures.get(slug="velvet-skin")
    response = client.get(
        reverse("outcomes:outcomes_summary_export") + f"?a-procedure={procedure.pk}"
    )
    (header, *_rows) = csv.reader(io.StringIO(response.content.decode()))
    assert header[1] == '\'=HYPERLINK("http://evil.test","Velvet")'


def test_the_safe_writer_writes_every_row():
    out = io.StringIO()
    SafeWriter(out).writerows([["=1", 2], ["a", "-3"]])
    assert out.getvalue() == "'=1,2\r\na,-3\r\n"
