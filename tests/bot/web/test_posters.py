"""Posters show every channel that is set up, and each QR code opens the bot on the session."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image

from core.clock import FixedClock
from tests.support.dashboard import BOT_USERNAME, dashboard_settings, running_dashboard
from tests.support.factories import add_session

WHATSAPP = {
    "whatsapp_access_token": "token",
    "whatsapp_phone_number_id": "106540352242922",
    "whatsapp_app_secret": "secret",
    "whatsapp_api_base_url": "http://127.0.0.1:9/v23.0",
    "whatsapp_display_number": "+33 7 00 00 00 00",
}
SMS = {
    "sms_provider": "twilio",
    "twilio_account_sid": "AC" + "0" * 32,
    "twilio_auth_token": "twilio-token",
    "twilio_from_number": "+33756781234",
}


async def test_the_poster_has_a_telegram_and_a_whatsapp_code_and_the_sms_line(
    sqlite_url: str, clock: FixedClock
) -> None:
    settings = dashboard_settings(sqlite_url, **WHATSAPP, **SMS)
    async with running_dashboard(settings, clock) as dashboard:
        await dashboard.login()
        session_id = await add_session(dashboard.db)
        telegram = f"https://t.me/{BOT_USERNAME}?start=s{session_id}"
        whatsapp = f"https://wa.me/33700000000?text=ATELIER%20{session_id}"
        page = await dashboard.get(f"/sessions/{session_id}/poster")
        assert telegram in page.text
        assert whatsapp in page.text
        assert f"par SMS : envoyez ATELIER {session_id} au 07 56 78 12 34" in page.text
        png = await dashboard.get(f"/sessions/{session_id}/poster.png")
        assert png.status_code == 200
        picture = Image.open(io.BytesIO(png.content))
        assert {code.text for code in zxingcpp.read_barcodes(picture)} == {telegram, whatsapp}
        pdf = await dashboard.get(f"/sessions/{session_id}/poster.pdf")
        assert pdf.status_code == 200
        assert pdf.content.startswith(b"%PDF-")
        assert pdf.content.count(b"/Subtype /Image") >= 2  # the two QR codes


async def test_a_poster_with_whatsapp_alone(sqlite_url: str, clock: FixedClock) -> None:
    settings = dashboard_settings(sqlite_url, telegram_bot_username="", **WHATSAPP)
    async with running_dashboard(settings, clock) as dashboard:
        await dashboard.login()
        session_id = await add_session(dashboard.db)
        png = await dashboard.get(f"/sessions/{session_id}/poster.png")
        assert png.status_code == 200
        picture = Image.open(io.BytesIO(png.content))
        codes = [code.text for code in zxingcpp.read_barcodes(picture)]
        assert codes == [f"https://wa.me/33700000000?text=ATELIER%20{session_id}"]


async def test_a_poster_with_sms_alone_has_no_code_but_the_line(
    sqlite_url: str, clock: FixedClock
) -> None:
    settings = dashboard_settings(sqlite_url, telegram_bot_username="", **SMS)
    async with running_dashboard(settings, clock) as dashboard:
        await dashboard.login()
        session_id = await add_session(dashboard.db)
        png = await dashboard.get(f"/sessions/{session_id}/poster.png")
        assert png.status_code == 200
        assert zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content))) == []
        page = await dashboard.get(f"/sessions/{session_id}/poster")
        assert f"envoyez ATELIER {session_id} au 07 56 78 12 34" in page.text
