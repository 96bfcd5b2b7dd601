"""Words said to someone else: a yes or a stop that names the person it speaks to, or a stop
beside laughter, is no consent to the bot and no opt-out of its messages; a yes or a stop
said to the bot still is one. Also the acts near them that the same writers showed: an erase
on one's own phone, "go on sending", reported speech in darija, a spoken choice after
"allô", a Turkish "unwell" that is no "disturbed". The sentences are our own.
"""

from __future__ import annotations

import pytest

from core.understanding import addressed
from core.understanding.clauses import hedged
from core.understanding.consent import YES_WORDS
from core.understanding.corrections import asks_again, continues_sending
from core.understanding.done_elsewhere import done_elsewhere, on_own_device, others_messages
from core.understanding.intents import TextIntent, read
from core.understanding.normalising import normalise
from core.understanding.numbers import choice_number
from core.understanding.safety import disturbed
from core.understanding.screens import Screen, read_on
from core.understanding.topics import names_a_topic


def words(text: str, language: str | None = None) -> list[str]:
    return normalise(text, language).split()


@pytest.mark.parametrize(
    ("text", "language"),
    [("yes dad I'll be home by six", "en"), ("ok honey see you at the station", "en"),
     ("oui papa je rentre bientôt", "fr"), ("ok chérie je passe te prendre", "fr"),
     ("tamam baba akşam gelirim", "tr"), ("evet canım birazdan çıkıyorum", "tr"),
     ("واخا يا ماما غادي نجي دابا", "ar"), ("iyeh a khoya ana jay", "ar"),
     ("maman oui j'arrive", "fr")],
)  # fmt: skip
def test_a_yes_said_to_someone_named_is_no_consent(text: str, language: str) -> None:
    assert addressed.yes_to_someone(words(text, language), YES_WORDS)
    assert read(text, language).intent != TextIntent.YES


@pytest.mark.parametrize(
    ("text", "language"),
    [("oui je confirme", "fr"), ("yes I'd love to come", "en"), ("oui madame je viendrai", "fr"),
     ("evet annemle geleceğim", "tr"), ("واخا نجي", "ar"), ("oui même si je suis en retard", "fr"),
     ("ok kanka", "tr")],
)  # fmt: skip
def test_a_yes_to_the_bot_names_no_one_else(text: str, language: str) -> None:
    assert not addressed.yes_to_someone(words(text, language), YES_WORDS)


@pytest.mark.parametrize(
    ("text", "language"),
    [("stop maman tu me fais rire", "fr"), ("stop it, you're so funny haha", "en"),
     ("yeter ya çok komiksin haha", "tr"), ("baraka 3lik a khti dhaktini", "ar"),
     ("stop les gars on se calme", "fr")],
)  # fmt: skip
def test_a_stop_said_to_someone_or_laughing_stops_no_message(text: str, language: str) -> None:
    assert addressed.stop_to_someone(words(text, language), text)
    assert read(text, language).intent != TextIntent.STOP


@pytest.mark.parametrize(
    ("text", "language"),
    [("STOP", None), ("STOP lol", "en"), ("stop the texts please", "en"),
     ("arrêtez de m'envoyer des sms", "fr"), ("mesajları durdurun", "tr")],
)  # fmt: skip
def test_a_stop_of_the_messages_still_stops(text: str, language: str | None) -> None:
    assert read(text, language).intent == TextIntent.STOP


@pytest.mark.parametrize(
    ("text", "language"),
    [("I deleted my old boss's number from my phone yesterday", "en"),
     ("j'ai effacé le numéro de mon ancien voisin de mon téléphone", "fr"),
     ("eski komşumun numarasını telefonumdan sildim", "tr"),
     ("مسحت الرقم ديال صاحبي من التيليفون ديالي", "ar")],
)  # fmt: skip
def test_an_erase_on_ones_own_phone_erases_nothing_here(text: str, language: str) -> None:
    assert on_own_device(words(text, language))
    assert read(text, language).intent != TextIntent.FORGET


@pytest.mark.parametrize(
    ("text", "language"),
    [("please delete my number from your system", "en"), ("effacez mes données svp", "fr"),
     ("verilerimi sildirmek istiyorum", "tr"), ("امسحوا بياناتي", "ar")],
)  # fmt: skip
def test_an_erase_asked_of_the_bot_still_erases(text: str, language: str) -> None:
    assert read(text, language).intent == TextIntent.FORGET


@pytest.mark.parametrize(
    ("text", "language", "going_on"),
    [("hatırlatma göndermeye devam edin lütfen", "tr", True),
     ("please keep sending me the reminders", "en", True),
     ("continuez à m'envoyer les rappels svp", "fr", True),
     ("mesaj göndermeye devam etmeyin", "tr", False),
     ("don't keep texting me, stop", "en", False),
     ("stop the texts please mum keeps reading them", "en", False)],
)  # fmt: skip
def test_go_on_sending_is_a_start_never_a_stop(text: str, language: str, going_on: bool) -> None:
    assert continues_sending(words(text, language)) is going_on
    intent = read(text, language).intent
    assert (intent == TextIntent.START) is going_on or intent != TextIntent.STOP


@pytest.mark.parametrize(
    ("text", "language"),
    [("بنتي كتقول ليا خاصني نلغي البلاصة", "ar"), ("kanfker nji walakin ma3reftch", "ar"),
     ("غادي نجي ما تلغيش", "ar"),
     ("Could you tell me about your free sessions? I'm new in town", "en")],
)  # fmt: skip
def test_advice_a_doubt_or_a_coming_is_no_cancel(text: str, language: str) -> None:
    assert read(text, language).intent != TextIntent.CANCEL


@pytest.mark.parametrize(
    ("text", "number"),
    [("bir iki yok yok dört numara", 4), ("alo beş yok pardon altı", 6),
     ("ألو جوج لا لا تلاتة", 3), ("اممم الثانية لا سمحلي الرابعة", 4)],
)  # fmt: skip
def test_a_spoken_correction_after_the_call_opens_keeps_the_last_number(
    text: str, number: int
) -> None:
    assert choice_number(words(text)) == number


@pytest.mark.parametrize(
    ("text", "unwell"),
    [("rahatsızlandım yarın gelemem", True), ("rahatsızım gelemem", True),
     ("mesajlarınız beni rahatsız ediyor", False)],
)  # fmt: skip
def test_unwell_in_turkish_is_not_disturbed(text: str, unwell: bool) -> None:
    assert disturbed(words(text, "tr")) is not unwell


@pytest.mark.parametrize(
    ("text", "language"),
    [("yes I got the package this morning", "en"), ("oui j'ai reçu le colis", "fr"),
     ("evet kargoyu aldım", "tr"), ("نعم استلمت الطرد", "ar")],
)  # fmt: skip
def test_a_yes_that_tells_a_thing_received_is_hedged(text: str, language: str) -> None:
    assert hedged(words(text, language))


@pytest.mark.parametrize(
    "text", ["الورشة ديال مراتي فالبلدية تلغات", "موعد ختي بالبنك تلغى"]
)  # fmt: skip
def test_a_place_named_with_its_arabic_particle_is_elsewhere(text: str) -> None:
    assert done_elsewhere(words(text, "ar"))


@pytest.mark.parametrize(
    ("text", "language", "again"),
    [("je voudrais recevoir vos sms de nouveau", "fr", True),
     ("أريد أن تصلني التذكيرات من جديد", "ar", True),
     ("sms'leri yeniden gönderin", "tr", True),
     ("put the reminders back on please", "en", True),
     ("ne m'envoyez plus jamais de sms", "fr", False),
     ("لا أريد الرسائل مرة أخرى", "ar", False),
     ("stop texting me, not again", "en", False),
     ("do you keep my messages", "en", False)],
)  # fmt: skip
def test_the_messages_wanted_again_are_a_start(text: str, language: str, again: bool) -> None:
    plain = words(text, language)
    assert (asks_again(plain) or continues_sending(plain)) is again


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [("je prends le deuxième, c'est le seul jour où je peux", "fr", 2),
     ("I'll take the third one, it suits my hours", "en", 3),
     ("j'ai 3 enfants, le premier a 7 ans", "fr", None),
     ("the bus number 3, it is always late", "en", None)],
)  # fmt: skip
def test_a_choice_in_a_clause_of_its_own_beside_a_reason(
    text: str, language: str, number: int | None
) -> None:
    reading = read(text, language)
    assert (reading.number if reading.intent == TextIntent.NUMBER else None) == number


@pytest.mark.parametrize(
    ("text", "language"),
    [("mon petit-fils m'a montré les appels vidéo, c'était bien", "fr"),
     ("my grandson taught me whatsapp at christmas", "en")],
)  # fmt: skip
def test_a_topic_told_as_learned_asks_for_no_workshop(text: str, language: str) -> None:
    assert not names_a_topic(words(text, language))


@pytest.mark.parametrize(
    ("text", "language", "others"),
    [("mon fils a arrêté les sms de la banque", "fr", True),
     ("خويا حبس الميساجات ديال البنك", "ar", True),
     ("stop the texts please", "en", False),
     ("ma bqitch bagh les sms dyalkom", "ar", False)],
)  # fmt: skip
def test_the_messages_of_a_bank_are_not_the_bots(text: str, language: str, others: bool) -> None:
    assert others_messages(words(text, language)) is others


@pytest.mark.parametrize("kind", ["yesno", "card"])
@pytest.mark.parametrize(
    ("text", "language", "consents"),
    [("yes mum I'm coming", "en", False), ("evet anne geliyorum", "tr", False),
     ("oui docteur je prendrai les cachets", "fr", False),
     ("wakha a khti ghadi njib lkhobz", "ar", False), ("yes, wrong number sorry", "en", False),
     ("yes I'll be there", "en", True), ("evet hocam geliyorum", "tr", True),
     ("oui madame je viendrai", "fr", True), ("واخا", "ar", True)],
)  # fmt: skip
def test_on_a_screen_a_yes_said_to_someone_else_answers_nothing(
    kind: str, text: str, language: str, consents: bool
) -> None:
    reading = read_on(text, Screen.parse(kind), language)
    assert (reading.intent == TextIntent.YES) is consents
