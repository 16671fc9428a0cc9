from ipaddress import ip_address, ip_network
from typing import Protocol

from django.conf import settings

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
    """The caller's address, as the audit log and the login lockout (axes) see it.

    Behind our HTTPS proxy (BEHIND_HTTPS_PROXY) it is the rightmost X-Forwarded-For
    entry that is not one of TRUSTED_PROXIES: each proxy appends the address that
    connected to it, and anything further left was written by the client and may be
    made up. Otherwise the header is ignored and it is REMOTE_ADDR. Returns None when
    neither gives an address.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    if not settings.BEHIND_HTTPS_PROXY:
        return remote
    trusted = [ip_network(proxy, strict=False) for proxy in settings.TRUSTED_PROXIES]
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        try:
            address = ip_address(hop.strip())
        except ValueError:
            break  # not written by a proxy of ours: trust nothing left of it
        if not any(address in network for network in trusted):
            return str(address)
    return remote
