"""A provider's id for a message is stored as it is, or as a digest: never two ids as one."""

from __future__ import annotations

from core.intake import key_taken_in


def test_a_plain_id_is_kept_as_it_is() -> None:
    assert key_taken_in("twilio:SM0123456789abcdef") == "twilio:SM0123456789abcdef"


def test_odd_ids_that_would_clean_to_one_stay_two() -> None:
    odd = ["twilio:SM\x001", "twilio:SM1\x00", "twilio:\ud83d", "twilio:" + "x" * 300]
    keys = [key_taken_in(key) for key in odd]
    assert len(set(keys)) == len(odd)
    assert "twilio:SM1" not in keys  # never the id of another, plain message
    assert all(key.startswith("sha256:") and "\x00" not in key for key in keys)
    assert key_taken_in(odd[0]) == keys[0]  # a redelivery is recognised
