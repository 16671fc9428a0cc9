"""Finding a clinic's patients by what the front desk has at hand: part of a name, an
email or a phone number, as the clinic recorded them (ClinicPatient)."""

import unicodedata

from django.db.models import F, Q, Value
from django.db.models.functions import Replace

# What people put between a phone number's digits; dropped on both sides, so
# "03-1111-2222", "03 1111 2222" and "0311112222" find each other.
# (The ideographic space, the full-width hyphen and the long-vowel mark are the
# Japanese keyboard's.)
PHONE_SEPARATORS = (" ", "-", "(", ")", ".", "\u3000", "\uff0d", "\u30fc")
SEARCH_MAX_LENGTH = 100


def phone_digits(text: str) -> str:
    """`text` without PHONE_SEPARATORS: what the database's copy is compared with."""
    for separator in PHONE_SEPARATORS:
        text = text.replace(separator, "")
    return text


def treatments_matching(treatments, text: str):
    """`treatments` whose clinic patient's name, email or phone contains `text`,
    ignoring case (the ASCII letters' on SQLite; every letter's on PostgreSQL). All of
    `treatments` if `text` is blank."""
    text = text.strip()
    if not text:
        return treatments
    matches = Q(clinic_patient__name__icontains=text) | Q(
        clinic_patient__email__icontains=text
    )
    digits = phone_digits(unicodedata.normalize("NFKC", text))  # full-width digits too
    if len(digits) >= 3 and digits.lstrip("+").isdigit():
        phone = F("clinic_patient__phone")
        for separator in PHONE_SEPARATORS:
            phone = Replace(phone, Value(separator), Value(""))
        treatments = treatments.alias(phone_digits=phone)
        matches |= Q(phone_digits__contains=digits)
    return treatments.filter(matches)
