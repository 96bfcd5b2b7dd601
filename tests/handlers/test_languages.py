"""Arabic and Turkish beside French and English: chosen, remembered, shown the right way."""

from __future__ import annotations

from bot.channels.sms.render import sms_body
from bot.channels.sms.text import segments
from core.clock import FixedClock
from core.dialog import Reply
from core.i18n import LANGUAGES, Translator
from handlers.machinery.turns import Conversations
from models import Database
from tests.support.chat import Chat
from tests.support.factories import add_session, make_settings


def test_four_languages() -> None:
    assert LANGUAGES == ("fr", "en", "ar", "tr")
    assert Translator("tr")("button.my_bookings").endswith("Kayıtlarım")


async def test_telegram_language_is_used_and_right_to_left_values_are_isolated(
    db: Database, clock: FixedClock
) -> None:
    session_id = await add_session(db)
    flows = Conversations(db, make_settings(db.url), clock)
    amina = Chat(flows, "1", name="Amina", language="ar")
    await amina.say("مرحبا")
    assert "Amina" in amina.text
    assert "\u2068Amina\u2069" in amina.text  # a Latin name inside Arabic keeps its direction
    await amina.pick(f"s:{session_id}")
    assert "\u2068Prendre en main son smartphone\u2069" in amina.text
    emre = Chat(flows, "2", name="Emre", language="tr")
    await emre.say("merhaba")
    assert "Emre" in emre.text
    assert "\u2068" not in emre.text  # left to right: nothing to isolate


async def test_the_language_can_be_chosen_by_sms_with_langue(
    db: Database, clock: FixedClock
) -> None:
    flows = Conversations(db, make_settings(db.url), clock)
    phone = Chat(flows, "+33612345678", channel="sms")
    await phone.say("bonjour")
    await phone.say("LANGUE")
    labels = [c.label for r in phone.last for c in r.flat_choices()]
    assert labels[:4] == ["Francais", "English", "Arabiya", "Turkce"]
    await phone.say("4")
    assert phone.last[0].text == Translator("tr", "sms")("language.changed")
    assert "iptal" in (await phone.say("yardim"))[0].text.casefold()


def test_arabic_sms_go_as_unicode_and_turkish_as_plain_letters() -> None:
    arabic = Translator("ar", "sms")
    reply_ar = sms_body(_reply(arabic("menu.prompt")), "ar")
    assert any("\u0600" <= char <= "\u06ff" for char in reply_ar)
    assert segments(reply_ar) <= 4
    turkish = sms_body(_reply("Yardım: İPTAL yazın, şimdi değiştir."), "tr")
    assert turkish.startswith("Yardim: IPTAL yazin, simdi degistir.")
    assert segments(turkish) == 1


def _reply(text: str) -> Reply:
    return Reply(text)
