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


TEXTABLE = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)


def can_receive_sms(number: str) -> bool:
    """Whether an E.164 number is a mobile one (a fixed line cannot take a text)."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(parsed) in TEXTABLE
