"""The deep link that opens the bot on one session, and its QR code."""

from __future__ import annotations

from typing import Any

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4


def deep_link(bot_username: str, session_id: int) -> str:
    """https://t.me/<bot>?start=s<ID>: Telegram opens the bot, which shows the session."""
    return f"https://t.me/{bot_username}?start=s{session_id}"


def venue_link(bot_username: str, venue_id: int) -> str:
    """https://t.me/<bot>?start=v<ID>: Telegram opens the bot on that venue's town's sessions,
    for a poster that stays on the venue's wall."""
    return f"https://t.me/{bot_username}?start=v{venue_id}"


def qr_code(text: str) -> qrcode.QRCode[Any]:
    """The QR code of ``text`` (medium error correction: survives a crease or a stain)."""
    code: qrcode.QRCode[Any] = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M, box_size=10, border=QUIET_ZONE
    )
    code.add_data(text)
    code.make(fit=True)
    return code


def qr_image(text: str, size: int) -> Image.Image:
    """The QR code as a black-on-white picture about ``size`` pixels wide, sharp edges."""
    matrix = qr_code(text).get_matrix()  # includes the quiet zone
    modules = len(matrix)
    picture = Image.new("L", (modules, modules), 255)
    picture.putdata([0 if dark else 255 for row in matrix for dark in row])
    scale = max(size // modules, 1)
    return picture.resize((modules * scale, modules * scale), Image.Resampling.NEAREST)
