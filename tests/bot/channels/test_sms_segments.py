"""SMS segments, checked against an independent segmenter.

The reference encodes the text for real: GSM 03.38 septets with the ``gsm0338`` codec
(an escaped character is two bytes, 0x1B then its code), or UTF-16 code units, and
splits the encoded text into concatenated parts (153 septets or 67 units, a part never
ending on an escape byte or a high surrogate), as the phone network does.
"""

from __future__ import annotations

import time

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.sms.render import sms_body
from bot.channels.sms.text import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    MAX_SEGMENTS,
    MAX_SEPTETS,
    MAX_UNICODE_SEGMENTS,
    fit,
    fit_unicode,
    segments,
    septets,
    to_gsm7,
)
from core.dialog import Choice, Reply

ESCAPE = 0x1B
ALEF = "\u0627"  # an Arabic letter: no GSM-7, one UTF-16 unit


def reference_parts(text: str) -> list[bytes]:
    """The parts ``text`` is sent in: GSM-7 septets (one byte each here) or UTF-16."""
    try:
        if chr(ESCAPE) in text:  # a lone escape is no character: such a text goes as UCS-2
            raise UnicodeEncodeError("gsm03.38", text, 0, 1, "lone escape")
        septet_bytes = text.encode("gsm03.38")
    except UnicodeEncodeError:
        units = text.encode("utf-16-be")
        if len(units) <= 140:
            return [units]
        return _split(units, 134, lambda part: 0xD8 <= part[-2] <= 0xDB, step=2)
    if len(septet_bytes) <= 160:
        return [septet_bytes]
    return _split(septet_bytes, 153, lambda part: part[-1] == ESCAPE, step=1)


def _split(data: bytes, size: int, splits_a_character: object, step: int) -> list[bytes]:
    parts = []
    while data:
        part = data[:size]
        if len(data) > size and splits_a_character(part):  # type: ignore[operator]
            part = part[:-step]
        parts.append(part)
        data = data[len(part) :]
    return parts


GSM_TEXT = st.text(alphabet=st.sampled_from(sorted(GSM7_BASIC | GSM7_EXTENSION)), max_size=700)
ANY_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(sorted(GSM7_BASIC | GSM7_EXTENSION)),
        st.sampled_from("êçœ«»ابتثجحسلام"),
        st.sampled_from("🙂😀👍🏽𝄞"),
    ),
    max_size=500,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("a" * 152 + "€" + "b" * 152, 3),  # the escape cannot straddle parts 1 and 2
        ("€" * 80, 1),
        ("€" * 81, 2),
        (ALEF * 70, 1),
        (ALEF * 71, 2),
        (ALEF * 68 + "🙂", 1),  # 70 UTF-16 units
        (ALEF * 69 + "🙂", 2),
        (ALEF * 66 + "🙂" + ALEF * 66, 3),  # 134 units, but the pair moves to part 2
    ],
)
def test_boundaries(text: str, expected: int) -> None:
    assert len(reference_parts(text)) == expected
    assert segments(text) == expected


@settings(max_examples=400, deadline=None)
@given(ANY_TEXT)
def test_segments_agree_with_the_reference(text: str) -> None:
    assert segments(text) == len(reference_parts(text))


@settings(max_examples=300, deadline=None)
@given(GSM_TEXT, st.integers(min_value=20, max_value=MAX_SEPTETS))
def test_fit_keeps_within_the_septets_and_two_segments(text: str, limit: int) -> None:
    cut = fit(text, limit)
    assert septets(cut) <= limit
    assert len(reference_parts(cut)) <= MAX_SEGMENTS
    if cut != text:
        assert cut.endswith("...")
        assert text.startswith(cut[:-3])


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT.filter(lambda text: any(char not in GSM7_BASIC | GSM7_EXTENSION for char in text)))
def test_fit_unicode_keeps_within_four_segments(text: str) -> None:
    cut = fit_unicode(text * 3)
    assert len(reference_parts(cut)) <= MAX_UNICODE_SEGMENTS
    assert "\ufffd" not in cut.encode("utf-16-be", "surrogatepass").decode("utf-16-be")


@settings(max_examples=200, deadline=None)
@given(GSM_TEXT, st.lists(GSM_TEXT.map(lambda label: label[:30]), max_size=4))
def test_an_sms_reply_never_takes_more_than_two_segments(text: str, labels: list[str]) -> None:
    reply = Reply(text, tuple((Choice(label or "x", f"c{i}"),) for i, label in enumerate(labels)))
    assert len(reference_parts(sms_body(reply, "fr"))) <= MAX_SEGMENTS


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT, st.lists(st.sampled_from(["نعم", "لا", "القائمة 🙂"]), max_size=3))
def test_an_arabic_reply_never_takes_more_than_four_segments(text: str, labels: list[str]) -> None:
    reply = Reply(text * 2, tuple((Choice(label, f"c{i}"),) for i, label in enumerate(labels)))
    assert len(reference_parts(sms_body(reply, "ar"))) <= MAX_UNICODE_SEGMENTS


def test_guillemets_become_quotes_in_linear_time() -> None:
    assert to_gsm7("Atelier « Bonjour » ici") == 'Atelier "Bonjour" ici'
    assert to_gsm7("«\u00a0Oui\u00a0»") == '"Oui"'
    assert to_gsm7("« »") == '""'
    started = time.perf_counter()
    spaces = to_gsm7("Bonjour" + " " * 1_000_000 + "x »")
    assert spaces == 'Bonjour x"'
    assert time.perf_counter() - started < 30  # a fraction of a second; it was hours
