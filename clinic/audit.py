from typing import Protocol

from clinic.models import AuditEntry


class OfTreatment(Protocol):
    """A treatment, or a view's read-only summary of one."""

    clinic_id: int
    clinic_patient_id: int


def audit_record(
    *, treatment: OfTreatment, actor, action: str, target: str, address
) -> None:
    """Write who did `action` on `target` of the treatment's patient (as the clinic
    records them), and from where."""
    AuditEntry.objects.create(
        clinic_id=treatment.clinic_id,
        actor=actor,
        clinic_patient_id=treatment.clinic_patient_id,
        action=action,
        target=target[:200],
        address=address,
    )


def client_address(request) -> str | None:
    """The caller's address as the server saw it (behind a proxy: the proxy's, unless
    the proxy is trusted to set REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR") or None
