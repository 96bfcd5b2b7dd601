"""Phone numbers: normalised to E.164 with phonenumbers, so one person is one number.

:func:`textable_number` is the one rule for a number the bot would text without having
received a message from it (a seat booked for someone else, a walk-in): a mobile number
of an allowed region. Premium-rate, shared-cost, satellite (+881) or international
network (+882) numbers, and far countries, are refused, so that nobody can make the bot
pay for texts to numbers that earn them money ("SMS pumping").
"""

from __future__ import annotations

from collections.abc import Collection

import phonenumbers
from phonenumbers import PhoneNumberType

TEXTABLE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
"""Mobile numbers; FIXED_LINE_OR_MOBILE where that is all a region's plan says (the USA)."""


def _parsed(raw: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(raw.strip(), region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_phone(raw: str, region: str = "FR") -> str | None:
    """``raw`` as E.164 (``+33612345678``), or None when it is not a valid number."""
    number = _parsed(raw, region)
    return None if number is None else _e164(number)


def textable_number(
    raw: str, region: str = "FR", allowed_regions: Collection[str] = ("FR",)
) -> str | None:
    """``raw`` as E.164 when it is a mobile number of one of ``allowed_regions``, else None."""
    number = _parsed(raw, region)
    if number is None:
        return None
    if phonenumbers.region_code_for_number(number) not in allowed_regions:
        return None
    if phonenumbers.number_type(number) not in TEXTABLE_TYPES:
        return None
    return _e164(number)


def example_mobile(region: str) -> str:
    """A mobile number of ``region`` as people write it there (``06 12 34 56 78``)."""
    number = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
    if number is None:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


CALLABLE_TYPES = TEXTABLE_TYPES | {PhoneNumberType.FIXED_LINE}
"""Numbers a reminder call may ring: fixed lines and mobiles (never premium-rate or shared)."""


def may_text(number: str, allowed_regions: Collection[str]) -> bool:
    """Whether the bot may text an E.164 ``number``: a mobile of ``allowed_regions``."""
    return textable_number(number, "FR", allowed_regions) is not None


def may_call(number: str, allowed_regions: Collection[str]) -> bool:
    """Whether the bot may call an E.164 ``number``: a fixed line or a mobile of
    ``allowed_regions`` (a caller's number can be faked: a premium-rate one earns money)."""
    parsed = _parsed(number, "FR")
    if parsed is None or phonenumbers.region_code_for_number(parsed) not in allowed_regions:
        return False
    return phonenumbers.number_type(parsed) in CALLABLE_TYPES
