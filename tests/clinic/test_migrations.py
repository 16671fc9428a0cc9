"""An existing database, filled under the layout before the clinic fence (review cases
in clinic/, procedures shared by every clinic, audit rows naming the account),
migrates forward with every row kept and re-homed."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from recovery.course import VELVET_SKIN_V1

BEFORE = [("clinic", "0004_audit_exports"), ("diary", "0004_diary_summary")]
WHEN = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


# serialized_rollback: the flush after it must leave content types to the next test
# that restores them (test_summaries), as Django does between such tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_of_the_old_layout_migrates_with_every_row():
    old = migrate(BEFORE)
    user_model = old.get_model("auth", "User")
    aiko = user_model.objects.create(username="aiko@example.test", email="aiko@example.test",
                                     first_name="Aiko", last_name="Tanaka")  # fmt: skip
    doctor = user_model.objects.create(username="dr@example.test", email="dr@example.test")
    clinics = [
        old.get_model("clinic", "Clinic").objects.create(name=n, slug=n.lower())
        for n in ("Tokyo", "Osaka")
    ]
    old.get_model("clinic", "StaffMember").objects.create(clinic=clinics[0], user=doctor)
    # As migration 0002 had loaded them: one shared copy of each shipped course.
    procedures = old.get_model("clinic", "Procedure").objects
    velvet = procedures.create(name="Velvet Skin", slug="velvet-skin")
    procedures.create(name="Dermapen", slug="dermapen")
    version_1 = velvet.course_versions.create(version=1, definition=VELVET_SKIN_V1)
    treatment = old.get_model("clinic", "Treatment").objects.create(
        clinic=clinics[0], patient=aiko, procedure=velvet, course_version=version_1,
        performed_at=WHEN,
    )  # fmt: skip
    entry = old.get_model("diary", "Entry").objects.create(
        treatment=treatment, day=1, redness=4, bruising=1, peeling=0, pain=6,
        status="urgent", course_version=version_1, recorded_at=WHEN, notified_at=None,
    )  # fmt: skip
    case = old.get_model("clinic", "ReviewCase").objects.create(
        treatment=treatment, level="urgent", priority=2, opened_at=WHEN
    )
    old.get_model("clinic", "CaseEvent").objects.create(case=case, kind="opened")
    old.get_model("diary", "Flag").objects.create(
        entry=entry, case=case, symptom="pain", level="review", rule="above_band",
        observed=6, expected_upper=3, message="Pain 6/10 on day 1", course_version=version_1,
    )  # fmt: skip
    old.get_model("clinic", "AuditEntry").objects.create(
        clinic=clinics[0], actor=doctor, patient=aiko, action="view_case", target="case"
    )

    new = migrate(latest())

    Treatment = new.get_model("clinic", "Treatment")
    moved = Treatment.objects.get(pk=treatment.pk)
    # The clinic's own record of the patient, and the treatment still in her diary.
    record = moved.clinic_patient
    assert (record.clinic_id, record.name, record.email) == (
        clinics[0].pk, "Aiko Tanaka", "aiko@example.test",
    )  # fmt: skip
    assert moved.patient_id == aiko.pk and moved.joined_at is not None
    # Each clinic has its own copy of the courses; the treatment moved onto its clinic's
    # copy of version 1, its entry and flag with it.
    Procedure = new.get_model("clinic", "Procedure")
    assert sorted(Procedure.objects.values_list("clinic__name", "slug")) == [
        ("Osaka", "dermapen"), ("Osaka", "velvet-skin"),
        ("Tokyo", "dermapen"), ("Tokyo", "velvet-skin"),
    ]  # fmt: skip
    assert not Procedure.objects.filter(clinic=None).exists()
    assert (moved.procedure.clinic_id, moved.course_version.version) == (clinics[0].pk, 1)
    assert moved.course_version.definition == version_1.definition
    Entry = new.get_model("diary", "Entry")
    assert Entry.objects.get(pk=entry.pk).course_version_id == moved.course_version_id
    Flag = new.get_model("diary", "Flag")
    assert Flag.objects.get().course_version_id == moved.course_version_id
    # Version 2 is in force for new treatments of each clinic.
    assert moved.procedure.course_versions.order_by("-version").first().version == 2
    # The review case and its event are review's now, with the urgent email pending.
    ReviewCase = new.get_model("review", "ReviewCase")
    kept = ReviewCase.objects.get(pk=case.pk)
    assert (kept.treatment_id, kept.level, kept.alert_pending) == (
        treatment.pk,
        "urgent",
        True,
    )
    assert list(new.get_model("review", "CaseEvent").objects.values_list("kind")) == [
        ("opened",)
    ]
    assert Flag.objects.get().case_id == case.pk
    # The audit row names the clinic's record of the patient.
    audit = new.get_model("clinic", "AuditEntry").objects.get()
    assert (audit.clinic_patient_id, audit.actor_id) == (record.pk, doctor.pk)
