"""Phone numbers: normalised to E.164 with phonenumbers, so one person is one number."""

from __future__ import annotations

import phonenumbers


def normalise_phone(raw: str, region: str = "FR") -> str | None:
    """``raw`` as E.164 (``+33612345678``), or None when it is not a valid number."""
    try:
        number = phonenumbers.parse(raw.strip(), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

