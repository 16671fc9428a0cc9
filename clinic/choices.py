"""The options of the staff pages' filter selects, read as plain rows."""

from django import forms
from django.contrib.auth import get_user_model


def plain_choices(field: forms.ModelChoiceField, *columns: str, label) -> None:
    """Let `field` draw its options from plain rows of its queryset, read when the form
    is drawn; `label(*values)` names each. Django's model iterator built a model per
    option and, on PostgreSQL, opened a server-side cursor (three round trips) for a
    handful of rows. A submitted value is still checked against the queryset."""
    queryset, empty = field.queryset, field.empty_label
    read = []  # once per form: the select asks for its first option apart

    def listed() -> list:
        if not read:
            rows = queryset.values_list("pk", *columns)
            read.extend([] if empty is None else [("", empty)])
            read.extend((pk, label(*values)) for pk, *values in rows)
        return read

    field.choices = listed


def person_name(first_name: str, last_name: str, otherwise: str = "") -> str:
    """As User.get_full_name(), or `otherwise` (say the username, an email) when the
    user has no name."""
    return f"{first_name} {last_name}".strip() or otherwise


def practitioner_choices(field: forms.ModelChoiceField, *, staff_user) -> None:
    """The staff of every clinic `staff_user` works for, by name."""
    field.queryset = (
        get_user_model()
        .objects.filter(staff_roles__clinic__staff__user=staff_user)
        .distinct()
        .order_by("first_name", "last_name")
    )
    plain_choices(field, "first_name", "last_name", "username", label=person_name)


def course_version_name(procedure_name: str, version: int) -> str:
    """As CourseVersion.__str__."""
    return f"{procedure_name} v{version}"
